import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../registry/servers';
import { ROOT } from '../security/demo-app';
import { expectFreshBuild } from '../security/production-server';

/**
 * `npm start` (scripts/serve.mjs) on 127.0.0.1. Next prints "Ready" and accepts requests before it runs
 * instrumentation.ts: a page asked for at once was refused as a client of unknown address (5 of 6 tries under
 * load) until the server's flags preloaded the peer stamp.
 */
describe('scripts/serve.mjs', () => {
  it('serves the local user from its first request on, asked the moment it says it is ready', async () => {
    expectFreshBuild();
    const port = await freeLoopbackPort();
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'serve.mjs')], {
      cwd: ROOT,
      env: { ...process.env, PULLFIX_HOST: '127.0.0.1', PORT: String(port), PULLFIX_ACCESS_TOKEN: '', PULLFIX_KUBECONFIG: path.join(ROOT, 'test-results', 'no-such-kubeconfig') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (/Ready in/.test(output)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`serve.mjs exited (${code}) before it was ready:\n${output}`)));
      });
      const statuses = await Promise.all(['/', '/fleet', '/contexts/none'].map(async (page) => (await fetch(`http://127.0.0.1:${port}${page}`)).status));
      expect(statuses).toEqual([200, 200, 200]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
