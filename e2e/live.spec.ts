import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { freeLoopbackPort } from '../test/registry/servers';
import { SETTLE_TIMEOUT, openOverview, workloadGroup } from './support/overview';

/**
 * Issue 13: the overview is pushed what changes. The real kubectl changes the demo cluster under an open page,
 * and the page follows without a reload and without polling; the stream survives the app server crashing and
 * coming back.
 * The pod it makes lives in a namespace of its own and is deleted again, so the read-only specs see the demo
 * cluster as seeded.
 */

const ROOT = path.join(__dirname, '..');
const SIM_DIR = path.join(ROOT, 'test-results', 'e2e', 'sim');
const KUBECONFIG = path.join(SIM_DIR, 'kubeconfig');
const NAMESPACE = 'live-e2e';
/** A pushed change reaches the page in well under this (the poll it replaces took up to 5 s, 2 s median). */
const PUSH_TIMEOUT = 4_000;

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', [...args, '--kubeconfig', KUBECONFIG, '--context', 'sim-admin'], { encoding: 'utf8', input });
}

/** Marks the document, so a reload (which would drop the mark) cannot pass for a pushed update. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { pullfixSameDocument: true }));
}

async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { pullfixSameDocument?: boolean }).pullfixSameDocument === true);
}

test.afterAll(() => {
  kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

test('a pod kubectl creates appears, and the row goes when kubectl deletes it, pushed without a reload or a poll', async ({ page }) => {
  test.setTimeout(120_000);
  const polls: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('/failures')) polls.push(url.pathname);
  });
  await openOverview(page, 'sim-admin');
  const status = page.getByRole('status', { name: 'Live updates' });
  await expect(status).toHaveText('live');
  await markDocument(page);
  const pollsBefore = polls.length;

  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }));
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'private-nginx', namespace: NAMESPACE },
      spec: { containers: [{ name: 'web', image: 'docker.io/davidpuziol/nginx:latest' }] },
    }),
  );
  const row = workloadGroup(page, NAMESPACE, 'private-nginx');
  await expect(row).toBeVisible({ timeout: SETTLE_TIMEOUT });

  kubectl(['delete', 'pod', 'private-nginx', '-n', NAMESPACE, '--wait=false']);
  await expect(row).toHaveCount(0, { timeout: PUSH_TIMEOUT });
  expect(await stillSameDocument(page)).toBe(true);
  expect(polls.slice(pollsBefore)).toEqual([]);
  await expect(status).toHaveText('live');
});

test.describe('when the app server goes away', () => {
  let app: ChildProcess | null = null;
  let base = '';

  test.beforeAll(async () => {
    base = `http://127.0.0.1:${await freeLoopbackPort()}`;
    app = await startApp(base);
  });
  test.afterAll(async () => {
    await crash(app);
  });

  test('the page says reconnecting, and is live again once the server is back', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(`${base}/contexts/sim-admin?namespace=default`);
    const status = page.getByRole('status', { name: 'Live updates' });
    await expect(status).toHaveText('live', { timeout: SETTLE_TIMEOUT });
    const row = workloadGroup(page, 'default', 'nginx-david');
    await expect(row).toBeVisible({ timeout: SETTLE_TIMEOUT });
    await markDocument(page);

    // Killed outright, as a crash leaves it (the whole process group: the launcher and the Next server under it).
    await crash(app);
    await expect(status).toHaveText('reconnecting…');
    // The last answer stays on screen while the stream is away.
    await expect(row).toBeVisible();

    app = await startApp(base);
    await expect(status).toHaveText('live', { timeout: 60_000 });
    await expect(row).toBeVisible();
    expect(await stillSameDocument(page)).toBe(true);
  });
});

/** pullfix's production server on its own port, reading the demo cluster the other specs use. */
async function startApp(base: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'serve.mjs')], {
    env: {
      ...process.env,
      PULLFIX_HOST: '127.0.0.1',
      PORT: new URL(base).port,
      PULLFIX_KUBECONFIG: KUBECONFIG,
      PULLFIX_REGISTRY_CONFIG: path.join(SIM_DIR, 'registries.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the app server was not ready in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready in/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app server exited with ${code}:\n${output}`));
    });
  });
  return child;
}

async function crash(child: ChildProcess | null): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}
