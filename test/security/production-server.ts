import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './demo-app';

/**
 * The production build served by `next start`, as a person would start it, optionally wrapped in another
 * command (`unshare -n …` for a network namespace of the test's own). Output is kept for the assertions.
 */
export interface ProductionServer {
  child: ChildProcess;
  output(): string;
  /** The server's resident memory, from /proc, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

const NEXT = join(ROOT, 'node_modules/next/dist/bin/next');

export async function startProductionServer(options: { host: string; port: number; env?: Record<string, string>; wrap?: (command: string[]) => string[] }): Promise<ProductionServer> {
  expectFreshBuild();
  const command = [process.execPath, NEXT, 'start', '-H', options.host, '-p', String(options.port)];
  const [file, ...args] = options.wrap ? options.wrap(command) : command;
  const child = spawn(file!, args, {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PULLFIX_ACCESS_TOKEN: '', PULLFIX_ALLOWED_HOSTS: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (/Ready in/.test(output)) ready();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await Promise.race([started, exited.then((code) => Promise.reject(new Error(`next start exited (${code}):\n${output}`)))]);
  return {
    child,
    output: () => output,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The server runs the production build: it must include the current proxy, or the test checks old code. */
export function expectFreshBuild(): void {
  const buildId = join(ROOT, '.next/BUILD_ID');
  expect(existsSync(buildId), 'no production build: run `npm run build` first').toBe(true);
  const builtAt = statSync(buildId).mtimeMs;
  const sources = ['proxy.ts', 'instrumentation.ts', 'next.config.js', ...readdirSync(join(ROOT, 'lib/security')).map((name) => `lib/security/${name}`)];
  const newer = sources.filter((source) => statSync(join(ROOT, source)).mtimeMs > builtAt);
  expect(newer, 'the production build is older than these files: run `npm run build` first').toEqual([]);
}
