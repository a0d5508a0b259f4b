import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import type { FailuresResponse } from '../lib/api/types';
import { screenshot, SETTLE_TIMEOUT, openOverview, workloadGroup } from './support/overview';

/**
 * The fix journeys against the production build and the demo cluster: every one changes the cluster, so this
 * spec runs after the read-only ones (the `fix` project in playwright.config.ts depends on them).
 */
const KUBECONFIG = path.join(__dirname, '..', 'test-results', 'e2e', 'sim', 'kubeconfig');
const DAVID_PASSWORD = 'Dav1d-pull-2024';
const TYPED_PASSWORDS = [DAVID_PASSWORD, 'not-Dav1d-s-password', 'ghp_acme-bot-token', 'team-ci-secret'];
const FIX_TIMEOUT = 60_000;

test.describe.configure({ mode: 'serial' });

/** Every /api answer the browser saw, to check that no password typed into the form came back. */
const answers: string[] = [];

test.beforeEach(({ page }) => {
  page.on('response', async (response) => {
    if (!response.url().includes('/api/')) return;
    answers.push(await response.text().catch(() => ''));
  });
});

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', [...args, '--kubeconfig', KUBECONFIG], { encoding: 'utf8' });
}

async function failingPod(page: Page, namespace: string, workload: string, context = 'sim-admin'): Promise<string> {
  let pod: string | undefined;
  await expect(async () => {
    const response = await page.request.get(`/api/contexts/${context}/failures?namespace=${namespace}`);
    const items = ((await response.json()) as FailuresResponse).items;
    pod = items.find((item) => (item.workload?.name ?? item.pod) === workload)?.pod;
    expect(pod, `a failing pod of ${namespace}/${workload}`).toBeDefined();
  }).toPass({ timeout: SETTLE_TIMEOUT });
  return pod ?? '';
}

async function openFix(page: Page, namespace: string, pod: string, context = 'sim-admin'): Promise<Locator> {
  await page.goto(`/contexts/${context}/namespaces/${namespace}/pods/${pod}#fix`);
  const panel = page.locator('section#fix');
  await expect(panel.getByRole('button', { name: 'Preview' })).toBeVisible({ timeout: SETTLE_TIMEOUT });
  return panel;
}

/**
 * Previews, checks that every dry-run step passed and that the preview says `says`, then applies. What the
 * preview says is read before the apply: once the new pod runs, the page moves to it and the preview goes.
 */
async function previewAndApply(panel: Locator, says?: string): Promise<void> {
  await panel.getByRole('button', { name: 'Preview' }).click();
  const preview = panel.getByRole('region', { name: 'Preview' });
  const steps = preview.locator('li');
  await expect(steps.first()).toContainText('dry run passed');
  for (const step of await steps.all()) await expect(step).toContainText('dry run passed');
  if (says !== undefined) await expect(preview).toContainText(says);
  await panel.getByRole('button', { name: 'Apply' }).click();
}

async function expectRunning(panel: Locator): Promise<void> {
  await expect(panel.getByText('The new pod runs: the fix worked.')).toBeVisible({ timeout: FIX_TIMEOUT });
}

function templateSecrets(resource: string, namespace: string, jsonPath = '{.spec.template.spec.imagePullSecrets[*].name}'): string[] {
  return kubectl('get', resource, '-n', namespace, '-o', `jsonpath=${jsonPath}`).split(' ').filter(Boolean);
}

test('the seed tutorial: dockercreds is refused by the registry, so the form starts from a new secret that makes nginx-david run', async ({ page }, testInfo) => {
  testInfo.setTimeout(150_000);
  const pod = await failingPod(page, 'default', 'nginx-david');
  const panel = await openFix(page, 'default', pod);
  await expect(panel.getByRole('radio', { name: /^New secret/ })).toBeChecked();
  await expect(panel.getByRole('radio', { name: /^Existing secret dockercreds/ })).not.toBeChecked();
  await expect(panel.getByText(/matches through https:\/\/index\.docker\.io\/v1\/ · ✗ rejected/).first()).toBeVisible();
  await expect(panel.getByRole('radio', { name: /^Deployment nginx-david/ })).toBeChecked();
  await expect(panel.getByLabel('Secret name', { exact: true })).toHaveValue('regcred-docker-io');
  await expect(panel.getByLabel('Registry server', { exact: true })).toHaveValue('https://index.docker.io/v1/');
  // Testing comes before Preview in the form's order.
  const test = panel.getByRole('button', { name: /Test/ }).first();
  const preview = panel.getByRole('button', { name: 'Preview' });
  expect((await test.boundingBox())!.y).toBeLessThan((await preview.boundingBox())!.y);
  await preview.click();
  await expect(panel.getByText('a username is required')).toBeVisible();
  await expect(panel.getByText('a password or token is required')).toBeVisible();

  // A wrong password: the dry run passes, the registry refuses it, and Apply waits for the box naming the refusal.
  await panel.getByLabel('Username', { exact: true }).fill('davidpuziol');
  await panel.getByLabel('Password or token', { exact: true }).fill('not-Dav1d-s-password');
  await previewAndApply(panel);
  const box = panel.getByRole('checkbox', { name: /Apply anyway, although .*rejected the credentials of davidpuziol/ });
  await expect(box).toBeVisible({ timeout: FIX_TIMEOUT });
  await expect(panel.getByRole('button', { name: 'Apply' })).toBeDisabled();
  await box.check();
  await expect(panel.getByRole('button', { name: 'Apply' })).toBeEnabled();
  await screenshot(page, 'fix-credentials-refused');

  await panel.getByLabel('Password or token', { exact: true }).fill(DAVID_PASSWORD);
  await expect(box).toHaveCount(0);
  await previewAndApply(panel);
  await expectRunning(panel);
  // The loop closes: the page moves to the new pod once it runs, and says who fixed it with what and when.
  await expect(page).toHaveURL(/\/namespaces\/default\/pods\/nginx-david-[a-z0-9-]+$/, { timeout: FIX_TIMEOUT });
  expect(page.url().endsWith(`/${pod}`)).toBe(false);
  await expect(page.getByRole('status', { name: 'Notifications' })).toContainText(/nginx-david runs; fixed with regcred-docker-io at \d\d:\d\d by sim-admin/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(page.url().split('/').at(-1) ?? '');
  await expect(page.locator('main header dl')).toContainText('PhaseRunning', { timeout: SETTLE_TIMEOUT });
  await expectRunning(page.locator('section#fix'));
  await screenshot(page, 'fix-running');

  // The old pod's page does not poll its 404: it says the pod was replaced and links to the new one.
  const newPod = page.url().split('/').at(-1) ?? '';
  const polled: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith(`/api/contexts/sim-admin/namespaces/default/pods/${pod}`)) polled.push(request.url());
  });
  await page.goto(`/contexts/sim-admin/namespaces/default/pods/${pod}`);
  await expect(page.getByRole('alert').filter({ hasText: 'This pod was replaced' })).toBeVisible({ timeout: SETTLE_TIMEOUT });
  await expect(page.getByRole('link', { name: newPod })).toBeVisible();
  // The first request and react-query's one retry: the 404 is not polled on.
  expect(polled.length).toBeLessThanOrEqual(2);
  expect(templateSecrets('deployment/nginx-david', 'default')).toEqual(['regcred-docker-io']);

  await openOverview(page, 'sim-admin', '?namespace=default');
  await expect(workloadGroup(page, 'default', 'nginx-david')).toHaveCount(0, { timeout: SETTLE_TIMEOUT });
});

test('the created secret holds the bytes kubectl create secret docker-registry writes', () => {
  const created = JSON.parse(kubectl('get', 'secret', 'regcred-docker-io', '-n', 'default', '-o', 'json')) as { type: string; data: Record<string, string> };
  const twin = JSON.parse(
    kubectl('create', 'secret', 'docker-registry', 'regcred-docker-io', '-n', 'default', '--docker-server=https://index.docker.io/v1/', '--docker-username=davidpuziol', `--docker-password=${DAVID_PASSWORD}`, '--dry-run=client', '-o', 'json'),
  ) as { type: string; data: Record<string, string> };
  expect(created.type).toBe(twin.type);
  expect(created.data['.dockerconfigjson']).toBe(twin.data['.dockerconfigjson']);
});

test('undo puts the workload\'s previous imagePullSecrets back and deletes the secret the fix created', async ({ page }) => {
  expect(templateSecrets('deployment/api', 'team-ghcr')).toEqual(['hub-creds']);
  const pod = await failingPod(page, 'team-ghcr', 'api');
  const panel = await openFix(page, 'team-ghcr', pod);
  await panel.getByRole('radio', { name: /^New secret/ }).check();
  await panel.getByLabel('Secret name', { exact: true }).fill('regcred-ghcr-undo');
  await panel.getByLabel('Username', { exact: true }).fill('acme-bot');
  await panel.getByLabel('Password or token', { exact: true }).fill('ghp_acme-bot-token');
  await panel.getByRole('radio', { name: /^Deployment api/ }).check();
  await previewAndApply(panel);
  await expectRunning(panel);
  await expect(page).toHaveURL(/\/namespaces\/team-ghcr\/pods\/api-/, { timeout: FIX_TIMEOUT });
  expect(templateSecrets('deployment/api', 'team-ghcr')).toEqual(['hub-creds', 'regcred-ghcr-undo']);

  const outcome = page.locator('section#fix');
  await expect(outcome).toContainText('Deployment api gets back imagePullSecrets [hub-creds]; Secret regcred-ghcr-undo, created by this fix, is deleted');
  await outcome.getByRole('button', { name: 'Undo this fix' }).click();
  await expect(outcome.getByRole('status')).toContainText('Undone:', { timeout: FIX_TIMEOUT });
  expect(templateSecrets('deployment/api', 'team-ghcr')).toEqual(['hub-creds']);
  expect(kubectl('get', 'secrets', '-n', 'team-ghcr', '-o', 'jsonpath={.items[*].metadata.name}').split(' ')).not.toContain('regcred-ghcr-undo');
});

test('replacing a secret\'s data shows the entries before and after, and keeps the other registry\'s entry', async ({ page }) => {
  const pod = await failingPod(page, 'team-merge', 'worker');
  const panel = await openFix(page, 'team-merge', pod);
  await expect(panel.getByLabel('Secret name', { exact: true })).toHaveValue('multi-creds');
  await panel.getByLabel('Username', { exact: true }).fill('acme-bot');
  await panel.getByLabel('Password or token', { exact: true }).fill('ghp_acme-bot-token');
  await panel.getByRole('button', { name: 'Preview' }).click();
  const diff = panel.getByRole('region', { name: 'Secret entries before and after' });
  await expect(diff.locator('li[data-change="kept"]')).toHaveText('kept: https://index.docker.io/v1/ · reqbot · password set');
  await expect(diff.locator('li[data-change="replaced"]')).toHaveText('replaced: ghcr.io · acme-bot · password set (was ghcr.io, acme-bot)');
  await expect(diff).toContainText(`Used in this namespace by pod ${pod}, Deployment worker`);
  await expect(diff).not.toContainText('ghp_');
  await screenshot(page, 'fix-merge-diff');
  await previewAndApply(panel);
  await expectRunning(panel);

  const encoded = kubectl('get', 'secret', 'multi-creds', '-n', 'team-merge', '-o', 'jsonpath={.data.\\.dockerconfigjson}');
  const auths = (JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { auths: Record<string, { username: string }> }).auths;
  expect(Object.keys(auths)).toEqual(['https://index.docker.io/v1/', 'ghcr.io']);
  expect(auths['https://index.docker.io/v1/']?.username).toBe('reqbot');
  expect(auths['ghcr.io']?.username).toBe('acme-bot');
});

test('a copied secret on a StatefulSet keeps its entry; applying twice leaves one', async ({ page }) => {
  const pod = await failingPod(page, 'team-port', 'app');
  const panel = await openFix(page, 'team-port', pod);
  await expect(panel.getByLabel('Registry server', { exact: true })).toHaveValue('registry.example.com:5000');
  await expect(panel.getByText(/keep ":5000" in the server/)).toBeVisible();
  await panel.getByRole('radio', { name: /^Copy team-sa\/team-creds/ }).check();
  await panel.getByRole('radio', { name: /^StatefulSet app/ }).check();
  await previewAndApply(panel);
  await expectRunning(panel);
  expect(templateSecrets('statefulset/app', 'team-port')).toEqual(['registry-creds', 'team-creds']);


  // The pod runs now, so its page offers no fix: the second apply goes to the API as the form would send it.
  const second = await postAsPage(page, 'team-port', { mode: 'apply', pod: 'app-0', container: 'app', source: { kind: 'existing', name: 'team-creds' }, target: { kind: 'workload' } });
  expect(second.status()).toBe(200);
  expect(JSON.stringify(await second.json())).toContain('already names team-creds');
  expect(templateSecrets('statefulset/app', 'team-port')).toEqual(['registry-creds', 'team-creds']);
});

/** A POST with everything the page itself sends: JSON, this origin, and the CSRF cookie echoed. */
async function postAsPage(page: Page, namespace: string, body: unknown, context = 'sim-admin') {
  const csrf = (await page.context().cookies()).find((cookie) => cookie.name === 'pullfix-csrf')?.value ?? '';
  return page.request.post(`/api/contexts/${context}/namespaces/${namespace}/fixes`, {
    headers: { 'content-type': 'application/json', origin: new URL(page.url()).origin, 'x-pullfix-csrf': csrf },
    data: body,
  });
}

test('an existing secret on a CronJob\'s job template', async ({ page }) => {
  // `kubectl create job --from` in two steps: the simulator reads JSON bodies, and kubectl sends that one as protobuf.
  const job = kubectl('create', 'job', 'nightly-report-now', '--from=cronjob/nightly-report', '-n', 'batch', '--dry-run=client', '-o', 'json');
  execFileSync('kubectl', ['create', '-f', '-', '--kubeconfig', KUBECONFIG], { input: job, encoding: 'utf8' });
  const pod = await failingPod(page, 'batch', 'nightly-report');
  const panel = await openFix(page, 'batch', pod);
  await expect(panel.getByRole('radio', { name: /^Existing secret ghcr-creds/ })).toBeChecked();
  await expect(panel.getByRole('radio', { name: /^CronJob nightly-report/ })).toBeChecked();
  await previewAndApply(panel);
  await expect(panel.getByRole('region', { name: 'Fix progress' })).toContainText('runs its next Job on its schedule', { timeout: FIX_TIMEOUT });
  expect(templateSecrets('cronjob/nightly-report', 'batch', '{.spec.jobTemplate.spec.template.spec.imagePullSecrets[*].name}')).toEqual(['ghcr-creds']);
});

test('through the service account, with a restart', async ({ page }) => {
  const pod = await failingPod(page, 'team-missing', 'api');
  const panel = await openFix(page, 'team-missing', pod);
  await expect(panel.getByRole('radio', { name: /^New secret/ })).toBeChecked();
  await expect(panel.getByLabel('Secret name', { exact: true })).toHaveValue('regcred-ghcr-io');
  await panel.getByLabel('Username', { exact: true }).fill('acme-bot');
  await panel.getByLabel('Password or token', { exact: true }).fill('ghp_acme-bot-token');
  await panel.getByRole('radio', { name: /^service account default/ }).check();
  await previewAndApply(panel);
  await expectRunning(panel);
  expect(kubectl('get', 'serviceaccount', 'default', '-n', 'team-missing', '-o', 'jsonpath={.imagePullSecrets[*].name}')).toBe('regcred-ghcr-io');
  expect(kubectl('get', 'deployment', 'api', '-n', 'team-missing', '-o', 'jsonpath={.spec.template.metadata.annotations}')).toContain('kubectl.kubernetes.io/restartedAt');
});

test('a bare pod is recreated with the secret only after confirmation', async ({ page }) => {
  const panel = await openFix(page, 'team-malformed', 'batch-runner');
  await expect(panel.getByRole('radio', { name: /^pod batch-runner/ })).toBeDisabled();
  await expect(panel).toContainText('a bare pod cannot gain pull secrets');
  await expect(panel.getByLabel('Secret name', { exact: true })).toHaveValue('registry-creds');
  await expect(panel).toContainText('will be replaced');
  await panel.getByLabel('Username', { exact: true }).fill('team-ci');
  await panel.getByLabel('Password or token', { exact: true }).fill('team-ci-secret');
  await panel.getByRole('radio', { name: /^recreate pod batch-runner/ }).check();
  await expect(panel.getByRole('button', { name: 'Preview' })).toBeDisabled();
  await panel.getByRole('checkbox', { name: /will be deleted and created again/ }).check();
  await previewAndApply(panel);
  await expectRunning(panel);
});

test('as sim-viewer every option is disabled with its reason, and a forged request meets the cluster\'s 403', async ({ page }) => {
  const pod = await failingPod(page, 'team-unattached', 'migrate', 'sim-viewer');
  await page.goto(`/contexts/sim-viewer/namespaces/team-unattached/pods/${pod}#fix`);
  const panel = page.locator('section#fix');
  await expect(panel.getByRole('radio').first()).toBeVisible({ timeout: SETTLE_TIMEOUT });
  for (const radio of await panel.getByRole('radio').all()) await expect(radio).toBeDisabled();
  await expect(panel).toContainText('may not create secrets');
  await expect(panel.getByRole('button', { name: 'Apply' })).toBeDisabled();
  await screenshot(page, 'fix-viewer');

  const forged = await postAsPage(page, 'team-unattached', { mode: 'apply', pod, container: 'migrate', source: { kind: 'existing', name: 'ghcr-creds' }, target: { kind: 'workload' } }, 'sim-viewer');
  expect(forged.status()).toBe(403);
  expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('forbidden');
});

test('a CSRF-less or cross-origin POST is refused', async ({ page }) => {
  await page.goto('/');
  const body = { mode: 'apply', pod: 'toolbox', container: 'shell', source: { kind: 'existing', name: 'dockercreds' }, target: { kind: 'recreate-pod', confirm: true } };
  const csrf = (await page.context().cookies()).find((cookie) => cookie.name === 'pullfix-csrf')?.value ?? '';
  const origin = new URL(page.url()).origin;
  const without = await page.request.post('/api/contexts/sim-admin/namespaces/default/fixes', { headers: { 'content-type': 'application/json', origin }, data: body });
  const crossOrigin = await page.request.post('/api/contexts/sim-admin/namespaces/default/fixes', {
    headers: { 'content-type': 'application/json', origin: 'http://evil.invalid', 'x-pullfix-csrf': csrf },
    data: body,
  });
  for (const response of [without, crossOrigin]) {
    expect(response.status()).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('csrf-rejected');
  }
  expect(kubectl('get', 'pod', 'toolbox', '-n', 'default', '-o', 'jsonpath={.spec.imagePullSecrets}')).toBe('');
});

// After the sim-viewer journey, which needs migrate's pod still failing.
test('a Job is recreated with the secret only after a confirmation naming it and its pods', async ({ page }) => {
  const pod = await failingPod(page, 'team-unattached', 'migrate');
  const uid = kubectl('get', 'job', 'migrate', '-n', 'team-unattached', '-o', 'jsonpath={.metadata.uid}');
  const panel = await openFix(page, 'team-unattached', pod);
  await expect(panel.getByRole('radio', { name: /^Existing secret ghcr-creds/ })).toBeChecked();
  await expect(panel.getByRole('radio', { name: /^recreate Job migrate/ })).toBeChecked();
  await expect(panel.getByRole('button', { name: 'Preview' })).toBeDisabled();
  await panel.getByRole('checkbox', { name: `I understand that Job migrate and its pod ${pod} will be deleted` }).check();
  await previewAndApply(panel, `delete Job migrate and its pod ${pod}`);
  await expectRunning(panel);
  expect(kubectl('get', 'job', 'migrate', '-n', 'team-unattached', '-o', 'jsonpath={.metadata.uid}')).not.toBe(uid);
  expect(templateSecrets('job/migrate', 'team-unattached')).toEqual(['ghcr-creds']);
});

test('no answer of these journeys holds a password typed into the form', () => {
  expect(answers.length).toBeGreaterThan(20);
  for (const password of TYPED_PASSWORDS) {
    for (const answer of answers) expect(answer.includes(password), `an answer contains ${password.slice(0, 3)}…`).toBe(false);
  }
});
