import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseDemoPort, DEMO_FIRST_PORT, DEMO_PORT_TRIES, isLoopbackPortFree, terminalLine } from '../../scripts/demo-plan.mjs';

const ROOT = resolve(__dirname, '../..');

describe('chooseDemoPort', () => {
  const freeFrom = (first: number) => async (port: number) => port >= first;

  it('takes 3000 when it is free, and says nothing', async () => {
    expect(await chooseDemoPort(undefined, freeFrom(0))).toEqual({ port: DEMO_FIRST_PORT, note: null });
  });

  it('moves to the next free port when 3000 is taken, and says so', async () => {
    expect(await chooseDemoPort(undefined, freeFrom(3002))).toEqual({ port: 3002, note: 'port 3000 is in use; using 3002 (set PORT to choose)' });
    expect(await chooseDemoPort('', freeFrom(3001))).toMatchObject({ port: 3001 });
  });

  it('gives up with the variable to set when every port it tries is taken', async () => {
    const choice = await chooseDemoPort(undefined, freeFrom(DEMO_FIRST_PORT + DEMO_PORT_TRIES));
    expect(choice.error).toMatch(/all in use.*set PORT/);
  });

  it('keeps a PORT the user set, or refuses it when busy or not a port', async () => {
    expect(await chooseDemoPort('8080', freeFrom(0))).toEqual({ port: 8080, note: null });
    expect((await chooseDemoPort('8080', freeFrom(9000))).error).toBe('port 8080 (from PORT) is in use on 127.0.0.1; choose another: PORT=8081 npm run demo');
    expect((await chooseDemoPort('http', freeFrom(0))).error).toMatch(/PORT must be a port number/);
    expect((await chooseDemoPort('0', freeFrom(0))).error).toMatch(/PORT must be a port number/);
  });

  it('probes the port for real', async () => {
    const busy = await listen(0);
    try {
      expect(await isLoopbackPortFree(busy.port)).toBe(false);
    } finally {
      await busy.close();
    }
    expect(await isLoopbackPortFree(busy.port)).toBe(true);
  });
});

describe('terminalLine', () => {
  it('turns an audit entry into one short line', () => {
    const line = JSON.stringify({
      time: '2026-12-05T13:07:02.123Z',
      level: 'info',
      msg: 'audit: attach-pull-secret succeeded',
      audit: true,
      who: 'sim-admin',
      what: 'attach-pull-secret',
      where: { context: 'sim-admin', namespace: 'default', workload: 'Deployment/nginx-david', secret: null },
      result: 'succeeded',
    });
    expect(terminalLine(line)).toBe('13:07:02 sim-admin attach-pull-secret succeeded (context=sim-admin namespace=default workload=Deployment/nginx-david)');
  });

  it('shows warnings and errors, and keeps info lines and framework banners for the log file only', () => {
    expect(terminalLine(JSON.stringify({ time: '2026-12-05T13:07:02Z', level: 'error', msg: 'the cluster is unreachable' }))).toBe('13:07:02 error: the cluster is unreachable');
    expect(terminalLine(JSON.stringify({ time: '2026-12-05T13:07:02Z', level: 'info', msg: 'request' }))).toBeNull();
    expect(terminalLine('   ▲ Next.js 16.4.6')).toBeNull();
    expect(terminalLine('null')).toBeNull();
  });
});

describe('scripts/demo.mjs', () => {
  const launched: ReturnType<typeof launch>[] = [];
  afterEach(async () => {
    for (const demo of launched.splice(0)) {
      demo.child.kill('SIGTERM');
      await demo.exited;
      rmSync(demo.dir, { recursive: true, force: true });
    }
  });

  it('refuses a busy PORT at once, naming the variable, before starting anything', async () => {
    const busy = await listen(0);
    try {
      const demo = launch({ PORT: String(busy.port) });
      launched.push(demo);
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toContain(`port ${busy.port} (from PORT) is in use on 127.0.0.1; choose another: PORT=${busy.port + 1} npm run demo`);
      expect(demo.output()).not.toMatch(/demo cluster at|pullfix is running/);
    } finally {
      await busy.close();
    }
  });

  it('moves off a busy 3000, prints the URL once the app answers, and exits non-zero when the cluster dies', async () => {
    expect(existsSync(join(ROOT, '.next/BUILD_ID')), 'no production build: run `npm run build` first').toBe(true);
    const held = (await isLoopbackPortFree(DEMO_FIRST_PORT)) ? await listen(DEMO_FIRST_PORT) : null;
    try {
      const demo = launch({ PORT: '' });
      launched.push(demo);
      const url = await vi.waitFor(
        () => {
          const match = /pullfix is running: (http:\/\/127\.0\.0\.1:(\d+))/.exec(demo.output());
          if (!match) throw new Error(`not running yet:\n${demo.output()}`);
          return { url: match[1]!, port: Number(match[2]) };
        },
        { timeout: 90_000, interval: 100 },
      );
      expect(url.port).not.toBe(DEMO_FIRST_PORT);
      expect(demo.output()).toContain(`port ${DEMO_FIRST_PORT} is in use; using ${url.port}`);
      expect((await fetch(`${url.url}/api/health`)).status).toBe(200);

      // The simulator runs under tsx's launcher: kill both, as a crash of the cluster would end both.
      const sim = simulatorPids(demo.dir);
      expect(sim.length, 'the simulator runs').toBeGreaterThan(0);
      for (const pid of sim) process.kill(pid, 'SIGKILL');
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toMatch(/the demo cluster stopped on its own \(SIGKILL\); stopping the demo/);
      expect(readFileSync(join(demo.dir, 'pullfix.log'), 'utf8')).toMatch(/Next\.js|Ready/);
    } finally {
      await held?.close();
    }
  }, 120_000);
});

function launch(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'pullfix-demo-'));
  const child = spawn(process.execPath, [join(ROOT, 'scripts/demo.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PULLFIX_DEMO_DIR: dir, PULLFIX_HOST: '', PULLFIX_ACCESS_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, dir, exited, output: () => output };
}

function listen(port: number): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen({ port, host: '127.0.0.1' }, () => {
      const address = server.address() as net.AddressInfo;
      done({ port: address.port, close: () => new Promise((closed) => server.close(() => closed())) });
    });
  });
}

/** The simulator's processes: the ones started with this demo's kubeconfig. */
function simulatorPids(dir: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('sim/main.ts') && line.includes(join(dir, 'kubeconfig')))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
