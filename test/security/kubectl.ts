import { execFile } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl; a missing binary fails the test with a clear message instead of skipping it. */
export function kubectl(args: string[], options: { home: string; input?: string }): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      args,
      { env: { ...process.env, HOME: options.home, KUBECACHEDIR: `${options.home}/cache` }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code === 'string') {
          reject(new Error(`kubectl could not run (${error.code}): install kubectl 1.32 on the PATH. ${error.message}`));
          return;
        }
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
