import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { workloadGroup, SETTLE_TIMEOUT } from './support/overview';
import { freeLoopbackPort } from '../test/registry/servers';

/**
 * Issue 4: the cluster goes away while the overview is open, and comes back. This spec runs its own simulator
 * and its own production server against it, so stopping the cluster disturbs no other spec. The simulator is
 * restarted with the same kubeconfig folder and port: the same cluster to the app, with freshly created pods.
 */

const ROOT = path.join(__dirname, '..');
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
  sim = await startSimulator();
  const appPort = await freeLoopbackPort();
  base = `http://127.0.0.1:${appPort}`;
  app = spawn(process.execPath, [path.join(ROOT, 'scripts', 'serve.mjs')], {
    env: {
      ...process.env,
      PULLFIX_HOST: '127.0.0.1',
      PORT: String(appPort),
      PULLFIX_KUBECONFIG: KUBECONFIG,
      PULLFIX_REGISTRY_CONFIG: path.join(SIM_DIR, 'registries.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(app, /Ready in/, 'serve.mjs');
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

  sim = await startSimulator();
  await expect(notice).toHaveCount(0, { timeout: REFRESH_TIMEOUT });
  await expect(page.getByText(/^updated .* ago$/)).toBeVisible();
  // The restarted cluster created its pods anew: the row now names the new nginx-david pod.
  await expect(podLink).not.toHaveAttribute('href', podBefore ?? '', { timeout: SETTLE_TIMEOUT });
  await expect(podLink).toHaveAttribute('href', /\/namespaces\/default\/pods\/nginx-david-/);
});

async function startSimulator(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'sim/main.ts', '--scenario', 'demo', '--port', String(simPort), '--kubeconfig', KUBECONFIG],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForLine(child, /^ready https:\/\/127\.0\.0\.1:\d+ /m, 'the simulator');
  return child;
}

function waitForLine(child: ChildProcess, line: RegExp, name: string): Promise<void> {
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

async function stop(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

