import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, MIN_TOKEN_LENGTH, planServe, signInAddress } from '../../scripts/serve-plan.mjs';
import { ROOT } from './demo-app';
import { expectFreshBuild } from './production-server';
import { freeLoopbackPort } from '../registry/servers';

const TOKEN = 'serve-test-token-1f9a7c3e5b';

describe('planServe', () => {
  const fixed = () => 'generated-token-000000000000';

  it('binds loopback without a token by default', () => {
    expect(planServe({}, fixed)).toEqual({ host: '127.0.0.1', port: 3000, token: null, generated: false, allowedHosts: '' });
    expect(planServe({ PULLFIX_HOST: 'localhost', PORT: '8080' }, fixed)).toEqual({ host: 'localhost', port: 8080, token: null, generated: false, allowedHosts: '' });
  });

  it.each([
    ['0.0.0.0', ''],
    ['::', ''],
    ['192.168.1.20', '192.168.1.20:3000'],
    ['pullfix.internal', 'pullfix.internal:3000'],
    ['fd00::5', '[fd00::5]:3000'],
  ])('requires a token on %s: generates one when none is configured, and accepts the bound address as a Host', (host, allowedHosts) => {
    expect(planServe({ PULLFIX_HOST: host }, fixed)).toEqual({ host, port: 3000, token: 'generated-token-000000000000', generated: true, allowedHosts });
    expect(planServe({ PULLFIX_HOST: host, PULLFIX_ACCESS_TOKEN: TOKEN }, fixed)).toEqual({ host, port: 3000, token: TOKEN, generated: false, allowedHosts });
  });

  it('keeps the configured allowed hosts, and in a pod refuses to generate a token nobody would see', () => {
    expect(planServe({ PULLFIX_HOST: '10.0.0.4', PULLFIX_ACCESS_TOKEN: TOKEN, PULLFIX_ALLOWED_HOSTS: 'pullfix.example.com' }, fixed).allowedHosts).toBe('pullfix.example.com,10.0.0.4:3000');
    expect(planServe({ PULLFIX_HOST: '0.0.0.0', KUBERNETES_SERVICE_HOST: '10.96.0.1' }, fixed).error).toMatch(/in a pod pullfix needs PULLFIX_ACCESS_TOKEN/);
    expect(planServe({ PULLFIX_HOST: '0.0.0.0', KUBERNETES_SERVICE_HOST: '10.96.0.1', PULLFIX_ACCESS_TOKEN: TOKEN }, fixed)).toMatchObject({ token: TOKEN });
  });

  it('generates 256-bit tokens by default, a new one each start', () => {
    const first = planServe({ PULLFIX_HOST: '0.0.0.0' });
    const second = planServe({ PULLFIX_HOST: '0.0.0.0' });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.token).not.toBe(first.token);
  });

  it.each([
    [{ PULLFIX_ACCESS_TOKEN: 'short' }, /at least 16/],
    [{ PULLFIX_ACCESS_TOKEN: 'has a space in it 1234' }, /without spaces/],
    [{ PORT: 'http' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
  ])('refuses %o', (env, message) => {
    expect(planServe(env, fixed).error).toMatch(message);
  });

  it.each(['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost', 'LOCALHOST'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', '::ffff:10.0.0.1'])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('accepts a configured token of the minimum length', () => {
    const token = 'x'.repeat(MIN_TOKEN_LENGTH);
    expect(planServe({ PULLFIX_HOST: '0.0.0.0', PULLFIX_ACCESS_TOKEN: token })).toMatchObject({ token, generated: false });
    expect(planServe({ PULLFIX_HOST: '0.0.0.0', PULLFIX_ACCESS_TOKEN: token.slice(1) }).error).toMatch(/at least/);
  });

  it('prints an address people can open, never with the token in it', () => {
    expect(signInAddress('0.0.0.0', 3000, 'build-7')).toBe('http://build-7:3000/');
    expect(signInAddress('fd00::5', 80, 'h')).toBe('http://[fd00::5]:80/');
  });
});

function run(env: Record<string, string>, onLine?: (line: string) => void) {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/serve.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PULLFIX_ACCESS_TOKEN: '', PULLFIX_HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) onLine?.(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('scripts/serve.mjs', () => {
  it('refuses to start beyond loopback with a token too weak to guard it, before binding anything', async () => {
    const server = run({ PULLFIX_HOST: '0.0.0.0', PULLFIX_ACCESS_TOKEN: 'guessable', PORT: String(await freeLoopbackPort()) });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/refusing to start: PULLFIX_ACCESS_TOKEN must be at least 16 characters/);
    expect(server.output()).not.toMatch(/Ready|Local:/);
  });

  it('with a token, the production server answers 401 without it and 200 with it', async () => {
    expectFreshBuild();
    const port = await freeLoopbackPort();
    let ready: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const server = run({ PULLFIX_HOST: '127.0.0.1', PORT: String(port), PULLFIX_ACCESS_TOKEN: TOKEN }, (line) => {
      if (/Ready in/.test(line)) ready();
    });
    try {
      await Promise.race([started, server.exited.then((code) => Promise.reject(new Error(`serve.mjs exited (${code}):\n${server.output()}`)))]);
      const base = `http://127.0.0.1:${port}`;
      const anonymousApi = await fetch(`${base}/api/contexts`);
      expect(anonymousApi.status).toBe(401);
      expect(((await anonymousApi.json()) as { error: { code: string } }).error.code).toBe('access-token-required');
      const anonymousPage = await fetch(`${base}/`);
      expect(anonymousPage.status).toBe(401);
      expect(await anonymousPage.text()).toContain('Sign in to pullfix');
      expect((await fetch(`${base}/api/health`)).status).toBe(200);

      expect((await fetch(`${base}/?token=${TOKEN}`)).status).toBe(401);
      const signIn = await fetch(`${base}/`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${encodeURIComponent(TOKEN)}`,
      });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('cache-control')).toBe('no-store');
      const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
      expect(cookie).toBe(`pullfix-access=${TOKEN}`);
      const page = await fetch(`${base}/`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      const nonce = page.headers.get('content-security-policy')?.match(/'nonce-([^']+)'/)?.[1];
      expect(nonce).toBeTruthy();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
      const api = await fetch(`${base}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(api.status).toBe(200);
      expect(server.output()).not.toContain(TOKEN);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);
});
