import { expect, test, type Page } from '@playwright/test';
import type { FailuresResponse } from '../lib/api/types';
import { demoSecretValues } from './support/demo-scenario';
import { openOverview, screenshot, SETTLE_TIMEOUT, workloadGroup } from './support/overview';

/** Issue 6 in the product: test credentials against the demo's registries, and fix a mistyped tag. */

const DAVID_PASSWORD = 'Dav1d-pull-2024';

async function openPod(page: Page, namespace: string, workload: string, container: string): Promise<string> {
  await openOverview(page, 'sim-admin', `?namespace=${namespace}`);
  await workloadGroup(page, namespace, workload).getByRole('link', { name: container, exact: true }).first().click({ timeout: SETTLE_TIMEOUT });
  await expect(page).toHaveURL(new RegExp(`/contexts/sim-admin/namespaces/${namespace}/pods/${workload}-`));
  await expect(page.locator('[data-verdict]').first()).toBeVisible({ timeout: SETTLE_TIMEOUT });
  return decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
}

test.describe('verify against the registry', () => {
  test('testing dockercreds for nginx-david says the credentials are rejected, without showing a password', async ({ page }) => {
    const bodies: string[] = [];
    page.on('response', async (response) => {
      const body = await response.body().catch(() => null);
      if (body) bodies.push(body.toString('utf8'));
    });
    await openPod(page, 'default', 'nginx-david', 'nginx');
    const secretTest = page.locator('[data-secret-test="dockercreds"]');
    await secretTest.getByRole('button', { name: 'Test this secret' }).click();
    const status = secretTest.getByRole('status');
    await expect(status).toContainText('✗ rejected', { timeout: 15_000 });
    await expect(status).toContainText('otheruser');
    await screenshot(page, 'registry-secret-rejected');
    const leaks = demoSecretValues().filter((secret) => bodies.some((body) => body.includes(secret)));
    expect(leaks.map((secret) => `${secret.slice(0, 3)}…`)).toEqual([]);
  });

  test('in the fix form, testing the right credentials says they can pull, with the digest', async ({ page }) => {
    const bodies: string[] = [];
    page.on('response', async (response) => {
      const body = await response.body().catch(() => null);
      if (body) bodies.push(body.toString('utf8'));
    });
    await openPod(page, 'default', 'nginx-david', 'nginx');
    const panel = page.locator('section#fix');
    await panel.getByRole('radio', { name: /^New secret/ }).check({ timeout: SETTLE_TIMEOUT });
    await panel.getByLabel('Username', { exact: true }).fill('davidpuziol');
    await panel.getByLabel('Password or token', { exact: true }).fill('wrong-password');
    const registryCheck = panel.locator('[data-registry-check]');
    await registryCheck.getByRole('button', { name: 'Test credentials' }).click();
    await expect(registryCheck.getByRole('status')).toContainText('✗ rejected', { timeout: 15_000 });
    await expect(panel.getByRole('button', { name: 'Preview' }), 'a failed test warns but does not block').toBeEnabled();

    await panel.getByLabel('Password or token', { exact: true }).fill(DAVID_PASSWORD);
    await registryCheck.getByRole('button', { name: 'Test credentials' }).click();
    await expect(registryCheck.getByRole('status')).toContainText(/✓ can pull davidpuziol\/nginx:latest sha256:[0-9a-f]{64}/, { timeout: 15_000 });
    await screenshot(page, 'registry-test-credentials');
    expect(bodies.filter((body) => body.includes(DAVID_PASSWORD))).toEqual([]);
  });

  test('the platform mismatch lists what the image offers beside the node', async ({ page }) => {
    await openPod(page, 'platforms', 'arm-only', 'app');
    const platforms = page.getByRole('region', { name: 'platforms' });
    await expect(platforms).toContainText('linux/amd64', { timeout: 15_000 });
    await expect(platforms.getByRole('list', { name: 'platforms the image offers' })).toHaveText('linux/arm64');
  });

  test('the tag suggestion for the typo workload, applied, makes its pod run', async ({ page, request }) => {
    test.setTimeout(120_000);
    await openPod(page, 'typos', 'web', 'web');
    const suggestions = page.getByRole('region', { name: 'tag suggestions' });
    await expect(suggestions.getByRole('listitem').first()).toContainText('1.27-alpine', { timeout: 15_000 });
    await expect(suggestions.getByRole('listitem').nth(1)).toContainText('1.27');
    await suggestions.getByRole('listitem').first().getByRole('button', { name: 'Use this tag' }).click();
    const preview = page.getByLabel('tag change preview');
    await expect(preview).toContainText('image: nginx:1.27-alpine');
    await expect(preview).toContainText('accepted the change in a dry run');
    await screenshot(page, 'registry-tag-preview');
    const before = page.url();
    const applied = page.waitForResponse((response) => response.url().includes('/image-fixes') && (response.request().postData() ?? '').includes('"mode":"apply"'));
    await preview.getByRole('button', { name: 'Apply 1.27-alpine' }).click();
    // The apply is accepted; the preview's own "Applied" may already be gone, as the page follows the rollout.
    expect((await applied).status()).toBe(200);
    // The change follows its rollout: once the new pod runs, the page moves to it and says so.
    await expect(page.getByRole('status', { name: 'Notifications' })).toContainText(/web runs; fixed with nginx:1\.27-alpine at \d\d:\d\d by sim-admin/, { timeout: SETTLE_TIMEOUT });
    await expect(page).not.toHaveURL(before);
    await expect(page).toHaveURL(/\/namespaces\/typos\/pods\/web-/);

    await expect
      .poll(
        async () => {
          const failures = (await (await request.get('/api/contexts/sim-admin/failures?namespace=typos')).json()) as FailuresResponse;
          return failures.items.length;
        },
        { timeout: SETTLE_TIMEOUT, message: 'the typo workload still fails to pull' },
      )
      .toBe(0);
  });
});
