import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Runs the simulator's CLI as a separate process and the real kubectl against it, for the end-to-end tests.
 * Each run gets its own temporary folder with the kubeconfig and kubectl's discovery cache.
 */
export interface RunningSim {
  url: string;
  kubeconfig: string;
  directory: string;
  process: ChildProcess;
  /** Milliseconds from spawning the command to its `ready` line. */
  startupMs: number;
  stderr: () => string;
  kubectl: (args: string[], options?: { context?: string; timeoutMs?: number }) => Promise<KubectlResult>;
  stop: () => Promise<number | null>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = path.resolve(__dirname, '../../..');
const KUBECTL = '/usr/bin/kubectl';

/** Where a run keeps its kubeconfig, and its port; by default a fresh temporary folder, removed on stop, and any free port. */
export interface SimPlacement {
  /** A folder the caller owns: kept on stop, so a second run can start from what the first left there. */
  directory?: string;
  port?: number;
}

/** `command` is the program and its leading arguments, e.g. ['npx', 'tsx'] or [process.execPath, '--import', 'tsx']. */
export async function startSim(command: string[], simArgs: string[], readyTimeoutMs = 60_000, placement: SimPlacement = {}): Promise<RunningSim> {
  if (!existsSync(KUBECTL)) throw new Error(`${KUBECTL} is not installed: the end-to-end tests need the real kubectl`);
  const directory = placement.directory ?? mkdtempSync(path.join(tmpdir(), 'pullfix-sim-'));
  const removeDirectory = () => {
    if (!placement.directory) rmSync(directory, { recursive: true, force: true });
  };
  const kubeconfig = path.join(directory, 'kubeconfig');
  const [program = 'npx', ...leading] = command;
  const started = Date.now();
  const port = String(placement.port ?? 0);
  const child = spawn(program, [...leading, 'sim/main.ts', ...simArgs, '--port', port, '--kubeconfig', kubeconfig], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping reaches the simulator through npx and tsx.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${readyTimeoutMs} ms; stderr:\n${stderr}`)), readyTimeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^ready (\S+) (\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        if (match[2] !== kubeconfig) reject(new Error(`ready named ${match[2]}, expected ${kubeconfig}`));
        resolve(match[1] ?? '');
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });
  const startupMs = Date.now() - started;
  const cacheDir = path.join(directory, 'kube-cache');
  return {
    url,
    kubeconfig,
    directory,
    process: child,
    startupMs,
    stderr: () => stderr,
    kubectl: (args, options = {}) =>
      new Promise((resolve) => {
        const context = options.context ? ['--context', options.context] : [];
        execFile(
          KUBECTL,
          ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...context, ...args],
          { env: { ...process.env, KUBECACHEDIR: cacheDir, KUBECONFIG: kubeconfig }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
          (error, out, err) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, stdout: out, stderr: err });
          },
        );
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          removeDirectory();
          resolve(child.exitCode);
          return;
        }
        child.once('exit', (code) => {
          removeDirectory();
          resolve(code);
        });
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      }),
  };
}

/** CPU time (user + system) a process has used so far, from /proc: start-up cost that does not depend on machine load. */
export function cpuMilliseconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return (ticks * 1000) / 100;
}
