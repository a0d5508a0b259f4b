import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { freeLoopbackPort } from '../test/registry/servers';

/**
 * Issue 7 in a real browser against the production build: security headers and a nonce-only script policy on
 * the app itself, and the access-token gate of a second server started by scripts/serve.mjs with a token.
 */

const TOKEN = 'e2e-access-token-4d8b0f6a2c';

test('every page carries the security headers and a script policy without unsafe-inline', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  const csp = headers['content-security-policy'] ?? '';
  const scriptSrc = csp.split(';').find((directive) => directive.trim().startsWith('script-src')) ?? '';
  expect(scriptSrc).toMatch(/'nonce-[^']+'/);
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
  // The app hydrates under the policy: the header's theme toggle answers a click.
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const toggle = page.getByRole('button', { name: /theme/i });
  const before = await page.locator('html').getAttribute('class');
  await toggle.click();
  await expect.poll(() => page.locator('html').getAttribute('class')).not.toBe(before);
  expect(violations).toEqual([]);

  const csrf = (await page.context().cookies()).find((cookie) => cookie.name === 'pullfix-csrf');
  expect(csrf?.sameSite).toBe('Strict');
  expect(csrf?.httpOnly).toBe(false);

  const api = await page.request.get('/api/health');
  expect(api.headers()['x-content-type-options']).toBe('nosniff');
  expect(api.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('a DNS-rebinding page (evil.example resolving to 127.0.0.1) gets 421 and no cookie, on pages, API reads and posts', async ({ baseURL }) => {
  const port = new URL(baseURL ?? '').port;
  // The browser resolves evil.example to loopback, as a rebinding DNS answer would make it.
  const browser = await chromium.launch({
    executablePath: process.env.PULLFIX_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP evil.example 127.0.0.1`],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const evil = `http://evil.example:${port}`;
    const home = await page.goto(`${evil}/`);
    expect(home?.status()).toBe(421);
    expect(home?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    // What the rebinding page's own script would try: read the failures, then post a fix.
    const attempts = await page.evaluate(async () => {
      const read = await fetch('/api/contexts/sim-admin/failures');
      const post = await fetch('/api/contexts/sim-admin/namespaces/default/fixes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'apply', pod: 'x', container: 'x', source: { kind: 'existing', name: 'x' }, target: { kind: 'workload' } }),
      });
      return [read.status, post.status];
    });
    expect(attempts).toEqual([421, 421]);
    expect(await context.cookies()).toEqual([]);
  } finally {
    await browser.close();
  }
});

test.describe('with an access token', () => {
  let server: ChildProcess;
  let base: string;

  test.beforeAll(async () => {
    const port = await freeLoopbackPort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [path.join(__dirname, '..', 'scripts', 'serve.mjs')], {
      env: { ...process.env, PULLFIX_HOST: '127.0.0.1', PORT: String(port), PULLFIX_ACCESS_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('serve.mjs did not get ready in 60 s')), 60_000);
      server.stdout?.on('data', (chunk: Buffer) => {
        if (/Ready in/.test(chunk.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
    });
  });

  test.afterAll(async () => {
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  });

  test('a page without the token gets 401 and the sign-in page; the token signs in with an HttpOnly cookie', async ({ page }) => {
    const denied = await page.goto(`${base}/`);
    expect(denied?.status()).toBe(401);
    await expect(page.getByRole('heading', { name: 'Sign in to pullfix' })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('sign-in.png') });

    await page.getByLabel('Access token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('not valid');

    await page.getByLabel('Access token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(page.url()).toBe(`${base}/`);
    const access = (await page.context().cookies()).find((cookie) => cookie.name === 'pullfix-access');
    expect(access?.httpOnly).toBe(true);
    expect(access?.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain(TOKEN);
  });

  test('an API request without the token gets 401 in the JSON error shape', async ({ request }) => {
    const response = await request.get(`${base}/api/contexts`);
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe('access-token-required');
    const withToken = await request.get(`${base}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status()).toBe(200);
  });
});

