import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { workloadGroup, SETTLE_TIMEOUT } from './support/overview';
import { ROOT, startApp, startSimulator, stop } from './support/processes';
import { freeLoopbackPort } from '../test/registry/servers';

/**
 * Issue 4: the cluster goes away while the overview is open, and comes back. This spec runs its own simulator
 * and its own production server against it, so stopping the cluster disturbs no other spec. The simulator is
 * restarted with the same kubeconfig folder and port: the same cluster to the app, with freshly created pods.
 */

const SIM_DIR = path.join(ROOT, 'test-results', 'cluster-outage');
const KUBECONFIG = path.join(SIM_DIR, 'kubeconfig');
/** The first refresh after the cluster goes (5 s), its one retry, and a slow machine's margin. */
const REFRESH_TIMEOUT = 30_000;

let simPort: number;
let sim: ChildProcess | null = null;
let app: ChildProcess | null = null;
let base: string;

test.beforeAll(async () => {
  rmSync(SIM_DIR, { recursive: true, force: true });
  simPort = await freeLoopbackPort();
  sim = await startDemo();
  ({ app, base } = await startApp(SIM_DIR));
});

test.afterAll(async () => {
  await stop(app, 'SIGTERM');
  await stop(sim, 'SIGTERM');
});

test('an unreachable cluster keeps the last data, says so, and recovers by itself when it is back', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`${base}/contexts/sim-admin?namespace=default`);
  const podLink = workloadGroup(page, 'default', 'nginx-david').getByRole('link', { name: 'nginx', exact: true });
  await expect(podLink).toBeVisible({ timeout: SETTLE_TIMEOUT });
  // The row may be the server's first screen: the page keeps what its stream brought.
  await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('live', { timeout: SETTLE_TIMEOUT });
  const podBefore = await podLink.getAttribute('href');

  // Killed outright, as a crash or a lost VPN leaves it: the port refuses connections.
  await stop(sim, 'SIGKILL');
  const notice = page.getByRole('status').filter({ hasText: 'refresh failed' });
  await expect(notice).toContainText(
    `refresh failed: the cluster at https://127.0.0.1:${simPort} is not reachable: connection refused — is it running?`,
    { timeout: REFRESH_TIMEOUT },
  );
  await expect(notice).toContainText('showing data from');
  await expect(podLink).toHaveAttribute('href', podBefore ?? '');

  sim = await startDemo();
  await expect(notice).toHaveCount(0, { timeout: REFRESH_TIMEOUT });
  await expect(page.getByText(/^updated .* ago$/)).toBeVisible();
  // The restarted cluster created its pods anew: the row now names the new nginx-david pod.
  await expect(podLink).not.toHaveAttribute('href', podBefore ?? '', { timeout: SETTLE_TIMEOUT });
  await expect(podLink).toHaveAttribute('href', /\/namespaces\/default\/pods\/nginx-david-/);
});

function startDemo(): Promise<ChildProcess> {
  return startSimulator(['--scenario', 'demo', '--port', String(simPort), '--kubeconfig', KUBECONFIG]);
}
