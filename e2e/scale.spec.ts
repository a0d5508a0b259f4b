import { execFileSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { FailuresResponse } from '../lib/api/types';
import { ROOT, startApp, startSimulator, stop } from './support/processes';
import { freeLoopbackPort } from '../test/registry/servers';

/**
 * Issue 13 item 5: the overview at 2,000 failing rows (the simulator's scale scenario: 200 Deployments of ten
 * replicas, every one on a private image without a secret). Asserted: the rows are there, only those near the
 * viewport are mounted (DOM nodes), pushed changes and the text filter reach them. How long it all takes depends
 * on the machine: the benchmark measures it (`npm run bench`, its browser probe).
 */

const SIM_DIR = path.join(ROOT, 'test-results', 'scale');
const FAILING_ROWS = 2_000;
const MAX_DOM_NODES = 6_000;

const EXTRA_NAMESPACE = 'scale-extra';
const EXTRA_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'extra', namespace: EXTRA_NAMESPACE },
  spec: { containers: [{ name: 'app', image: 'docker.io/acme/private:1.0' }] },
};

let sim: ChildProcess | null = null;
let app: ChildProcess | null = null;
let base: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  rmSync(SIM_DIR, { recursive: true, force: true });
  const simPort = await freeLoopbackPort();
  sim = await startSimulator([
    ...['--scenario', 'scale', '--namespaces', '20', '--pods', String(FAILING_ROWS), '--failing-ratio', '1'],
    ...['--port', String(simPort), '--kubeconfig', path.join(SIM_DIR, 'kubeconfig')],
  ]);
  ({ app, base } = await startApp(SIM_DIR));
});

test.afterAll(async () => {
  await stop(app, 'SIGTERM');
  await stop(sim, 'SIGTERM');
});

test.use({ viewport: { width: 1280, height: 800 } });

test('2,000 failing rows: every row reachable, only those in view mounted, changes and filters applied', async ({ page, request }) => {
  test.setTimeout(360_000);
  // Warm the server's answer first: the figure is the page's, not the first cluster read's.
  await expect(async () => {
    const response = await request.get(`${base}/api/contexts/sim-admin/failures`, { timeout: 60_000 });
    const body = await response.text();
    expect((JSON.parse(body) as Partial<FailuresResponse>).items?.length, body.slice(0, 300)).toBe(FAILING_ROWS);
  }).toPass({ timeout: 180_000 });

  await page.goto(`${base}/contexts/sim-admin`);
  await expect(page.locator('tbody[data-workload] tr').first()).toBeVisible({ timeout: 60_000 });
  // The first rows are the server's first screen; every row has come once the verdict chips count them all.
  await expect(page.getByRole('button', { name: `All ${FAILING_ROWS}` })).toBeVisible({ timeout: 60_000 });
  expect(await page.locator('tbody[data-workload] tr').count()).toBeLessThan(100);
  expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThanOrEqual(MAX_DOM_NODES);

  // An update is pushed, not polled: kubectl adds a failing pod, then takes it away again.
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: EXTRA_NAMESPACE } }));
  kubectl(['apply', '-f', '-'], JSON.stringify(EXTRA_POD));
  await expect(page.getByRole('button', { name: `All ${FAILING_ROWS + 1}` })).toBeVisible({ timeout: 60_000 });
  kubectl(['delete', 'pod', EXTRA_POD.metadata.name, '-n', EXTRA_NAMESPACE, '--wait=false']);
  await expect(page.getByRole('button', { name: `All ${FAILING_ROWS}` })).toBeVisible({ timeout: 60_000 });

  // The last row is reachable by scrolling: the spacer keeps the page as tall as every row.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(page.locator(`tr[data-index="${FAILING_ROWS - 1}"]`)).toBeAttached();
  expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThanOrEqual(MAX_DOM_NODES);

  await page.evaluate(() => window.scrollTo(0, 0));
  // Ten Deployments per namespace (app-000 … app-009), ten replicas each: app-009 is 20 groups of 10 rows.
  await page.getByRole('searchbox').fill('app-009');
  await expect(page.locator('tbody[data-workload]')).toHaveCount(20);
  await expect(page.locator('tbody[data-workload] tr')).toHaveCount(200);
});

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', [...args, '--kubeconfig', path.join(SIM_DIR, 'kubeconfig'), '--context', 'sim-admin'], { encoding: 'utf8', input });
}
