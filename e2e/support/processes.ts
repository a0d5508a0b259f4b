import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freeLoopbackPort } from '../../test/registry/servers';

/** For specs that run their own simulator and production server, so what they do disturbs no other spec. */

export const ROOT = path.join(__dirname, '..', '..');

/** The simulator with the given arguments (`--scenario`, `--port`, `--kubeconfig`, …), once it accepts requests. */
export async function startSimulator(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /^ready https:\/\/127\.0\.0\.1:\d+ /m, 'the simulator');
  return child;
}

/**
 * pullfix's production server on a free loopback port, pointed at a simulator's kubeconfig and registries, once
 * it is ready; with its base URL.
 */
export async function startApp(simDir: string): Promise<{ app: ChildProcess; base: string }> {
  const port = await freeLoopbackPort();
  const app = spawn(process.execPath, [path.join(ROOT, 'scripts', 'serve.mjs')], {
    env: {
      ...process.env,
      PULLFIX_HOST: '127.0.0.1',
      PORT: String(port),
      PULLFIX_KUBECONFIG: path.join(simDir, 'kubeconfig'),
      PULLFIX_REGISTRY_CONFIG: path.join(simDir, 'registries.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(app, /Ready in/, 'serve.mjs');
  return { app, base: `http://127.0.0.1:${port}` };
}

export function waitForLine(child: ChildProcess, line: RegExp, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`${name} was not ready in 60 s:\n${errors}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (line.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${errors}`));
    });
  });
}

export async function stop(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
