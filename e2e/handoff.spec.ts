import { expect, test, type Page } from '@playwright/test';
import type { FailuresResponse } from '../lib/api/types';
import { screenshot, SETTLE_TIMEOUT } from './support/overview';

/**
 * A fix handed to someone else, and the forms of the verdicts that had none: read-only journeys (nothing is
 * applied), so this spec runs with the others before the fix journeys change the cluster.
 */
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function podOf(page: Page, namespace: string, workload: string, context = 'sim-admin'): Promise<string> {
  let pod: string | undefined;
  await expect(async () => {
    const response = await page.request.get(`/api/contexts/${context}/failures?namespace=${namespace}`);
    pod = ((await response.json()) as FailuresResponse).items.find((item) => (item.workload?.name ?? item.pod) === workload)?.pod;
    expect(pod, `a failing pod of ${namespace}/${workload}`).toBeDefined();
  }).toPass({ timeout: SETTLE_TIMEOUT });
  return pod ?? '';
}

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

test('the viewer, who may change nothing, copies the fix as kubectl commands and as a link that opens the form filled', async ({ page }) => {
  const pod = await podOf(page, 'team-missing', 'api', 'sim-viewer');
  await page.goto(`/contexts/sim-viewer/namespaces/team-missing/pods/${pod}#fix`);
  const panel = page.locator('section#fix');
  await expect(panel.getByRole('button', { name: 'Apply' })).toBeDisabled({ timeout: SETTLE_TIMEOUT });
  await panel.getByLabel('Username', { exact: true }).fill('acme-bot');
  await panel.getByLabel('Password or token', { exact: true }).fill('typed-by-the-viewer');

  const handoff = panel.getByRole('region', { name: 'Hand-off' });
  await handoff.getByRole('button', { name: 'Copy kubectl commands' }).click();
  await expect(handoff.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const commands = await clipboard(page);
  expect(commands).toContain('kubectl -n team-missing create secret generic regcred-ghcr-io --type=kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson="$PULLFIX_CONFIG"');
  expect(commands).toContain(`kubectl -n team-missing patch deployment api --type=strategic -p '{"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"regcred-ghcr-io"}]}}}}'`);
  expect(commands).toContain("printf '%s:%s' acme-bot \"$PULLFIX_PASSWORD\"");
  expect(commands).not.toContain('typed-by-the-viewer');
  await expect(handoff.locator('[data-handoff="kubectl"] pre')).toHaveText(commands);

  await handoff.getByRole('button', { name: 'Copy YAML change to commit' }).click();
  const yaml = await clipboard(page);
  expect(yaml).toContain('kind: Secret');
  expect(yaml).toContain('- name: regcred-ghcr-io');
  expect(yaml).not.toContain('typed-by-the-viewer');
  await screenshot(page, 'handoff-viewer');

  await handoff.getByRole('button', { name: 'Copy link to this form' }).click();
  const link = new URL(await clipboard(page));
  expect(link.pathname).toBe(`/contexts/sim-viewer/namespaces/team-missing/pods/${pod}`);
  expect(link.search).not.toContain('typed-by-the-viewer');
  expect(link.searchParams.get('username')).toBe('acme-bot');
  await page.goto(`/contexts/sim-admin/namespaces/team-missing/pods/${pod}${link.search}${link.hash}`);
  const filled = page.locator('section#fix');
  await expect(filled.getByLabel('Username', { exact: true })).toHaveValue('acme-bot', { timeout: SETTLE_TIMEOUT });
  await expect(filled.getByLabel('Secret name', { exact: true })).toHaveValue('regcred-ghcr-io');
  await expect(filled.getByLabel('Registry server', { exact: true })).toHaveValue('ghcr.io');
  await expect(filled.getByLabel('Password or token', { exact: true })).toHaveValue('');
  await expect(filled.getByRole('radio', { name: /^Deployment api/ })).toBeChecked();
});

test('a prefilled link picks the service account, and a password or a bad value in it is left out with a note', async ({ page }) => {
  const pod = await podOf(page, 'team-missing', 'api');
  await page.goto(`/contexts/sim-admin/namespaces/team-missing/pods/${pod}?source=new&secret=team-ghcr&server=ghcr.io&username=acme-bot&target=service-account&password=hunter22&container=Nope#fix`);
  const panel = page.locator('section#fix');
  await expect(panel.getByLabel('Secret name', { exact: true })).toHaveValue('team-ghcr', { timeout: SETTLE_TIMEOUT });
  await expect(panel.getByLabel('Username', { exact: true })).toHaveValue('acme-bot');
  await expect(panel.getByLabel('Password or token', { exact: true })).toHaveValue('');
  await expect(panel.getByRole('radio', { name: /^service account default/ })).toBeChecked();
  const note = panel.getByRole('note', { name: 'Link values ignored' });
  await expect(note).toContainText('"password" was ignored: a link never carries credentials');
  await expect(note).toContainText('"container" was ignored');
});

test('the Argo CD-managed workload warns that a live patch is reverted and shows the YAML to commit first', async ({ page }) => {
  const pod = await podOf(page, 'team-gitops', 'storefront');
  await page.goto(`/contexts/sim-admin/namespaces/team-gitops/pods/${pod}#fix`);
  const panel = page.locator('section#fix');
  const warning = panel.locator('[data-gitops="Argo CD"]');
  await expect(warning).toContainText('Managed by Argo CD', { timeout: SETTLE_TIMEOUT });
  await expect(warning).toContainText('argocd.argoproj.io/tracking-id=storefront:apps/Deployment:team-gitops/storefront');
  const blocks = panel.locator('[data-handoff]');
  await expect(blocks.first()).toHaveAttribute('data-handoff', 'yaml');
  await expect(blocks.first().locator('pre')).toContainText('imagePullSecrets');
  // The hand-off sits above the form: the change to commit is what to read first.
  const handoffTop = (await panel.getByRole('region', { name: 'Hand-off' }).boundingBox())?.y ?? Infinity;
  const formTop = (await panel.getByRole('form', { name: 'Fix form' }).boundingBox())?.y ?? -Infinity;
  expect(handoffTop).toBeLessThan(formTop);
  await expect(panel.locator('[data-handoff="kubectl"] pre')).toContainText('# Warning: Argo CD manages this workload');
  await screenshot(page, 'handoff-gitops');
});

test('a rate-limited pod gets the authenticated-pulls form', async ({ page }) => {
  const pod = await podOf(page, 'limits', 'mirror');
  await page.goto(`/contexts/sim-admin/namespaces/limits/pods/${pod}#fix`);
  const panel = page.locator('section#fix');
  await expect(panel.getByRole('heading', { name: 'Authenticate the pulls of nginx from mirror.example.com' })).toBeVisible({ timeout: SETTLE_TIMEOUT });
  await expect(panel.getByLabel('Registry server', { exact: true })).toHaveValue('mirror.example.com');
  await expect(panel.getByRole('button', { name: 'Preview' })).toBeVisible();
  await expect(panel.getByRole('radio', { name: /^Deployment mirror/ })).toBeChecked();
});

test('the ECR stop-gap secret says its token expires after 12 hours', async ({ page }) => {
  const pod = await podOf(page, 'cloud', 'billing');
  await page.goto(`/contexts/sim-admin/namespaces/cloud/pods/${pod}#fix`);
  const panel = page.locator('section#fix');
  await expect(panel.locator('[data-expiry]')).toContainText('ECR tokens expire after 12 hours', { timeout: SETTLE_TIMEOUT });
  await expect(panel.locator('[data-expiry]')).toContainText('credential provider');
});
