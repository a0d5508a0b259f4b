import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import type { FailuresResponse } from '../lib/api/types';
import { demoSecretValues } from './support/demo-scenario';
import { openOverview, screenshot, SETTLE_TIMEOUT, workloadGroup } from './support/overview';

async function failingPods(request: APIRequestContext, context: string): Promise<FailuresResponse['items']> {
  const response = await request.get(`/api/contexts/${context}/failures`);
  expect(response.ok(), `failures of ${context}: ${response.status()}`).toBe(true);
  return ((await response.json()) as FailuresResponse).items;
}

async function openNginxDavid(page: Page, context: string): Promise<void> {
  await openOverview(page, context, '?namespace=default');
  await workloadGroup(page, 'default', 'nginx-david').getByRole('link', { name: 'nginx', exact: true }).click({ timeout: SETTLE_TIMEOUT });
  await expect(page).toHaveURL(new RegExp(`/contexts/${context}/namespaces/default/pods/nginx-david-`));
  await expect(page.locator('[data-verdict]')).toBeVisible({ timeout: SETTLE_TIMEOUT });
}

test.describe('pod detail', () => {
  test("the seed's case: the image taken apart, the unattached secrets and the kubelet's evidence", async ({ page }) => {
    await openNginxDavid(page, 'sim-admin');
    const breakdown = page.locator('dl[aria-label="Image breakdown"]');
    await expect(breakdown.locator('[data-part="registry"] dd')).toHaveText('docker.io');
    await expect(breakdown.locator('[data-part="account"] dd')).toHaveText('davidpuziol');
    await expect(breakdown.locator('[data-part="image"] dd')).toHaveText('nginx');
    await expect(breakdown.locator('[data-part="tag"] dd')).toHaveText(/^latest\s*implied$/);
    await expect(breakdown.locator('[data-part="tag"]')).toHaveAttribute('data-implied', 'true');
    await expect(page.getByTestId('normalized-image')).toHaveText('docker.io/davidpuziol/nginx:latest');
    await expect(page.getByText('implied: the tag latest')).toBeVisible();

    await expect(page.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'no-working-credential');
    await expect(page.getByRole('region', { name: 'Fix' })).toContainText('Create a pull secret');
    await expect(page.locator('li[data-secret="dockercreds"]')).toHaveAttribute('data-check', 'rejected');
    await expect(page.locator('li[data-secret="dockerreq"]')).toHaveAttribute('data-check', 'rejected');

    const unattached = page.getByRole('heading', { name: 'In the namespace, matching, but not attached' }).locator('..');
    for (const [secret, username] of [
      ['dockercreds', 'otheruser'],
      ['dockerreq', 'reqbot'],
    ] as const) {
      const card = unattached.getByRole('article', { name: `secret ${secret}` });
      await expect(card).toContainText('not attached');
      await expect(card.locator('[data-field="username"]')).toHaveText(username);
      await expect(card.locator('[data-field="fingerprint"]')).toHaveText(/\S{8,}/);
      await expect(card).toContainText('matches');
      await expect(card).toContainText('Docker Hub fallback');
    }
    const fingerprints = await unattached.locator('[data-field="fingerprint"]').allTextContents();
    expect(new Set(fingerprints).size, 'different credentials have different fingerprints').toBe(2);

    const events = page.getByRole('region', { name: 'Evidence: events' });
    await expect(events.getByRole('row').filter({ hasText: 'pull access denied' }).first()).toBeVisible();
    await expect(events.getByRole('columnheader', { name: 'First seen' })).toBeVisible();
  });

  test('as sim-viewer the diagnosis still shows and the secrets panel says secrets could not be read', async ({ page }) => {
    await openNginxDavid(page, 'sim-viewer');
    await expect(page.getByRole('heading', { name: 'Container nginx' })).toBeVisible();
    await expect(page.getByTestId('normalized-image')).toHaveText('docker.io/davidpuziol/nginx:latest');
    await expect(page.getByRole('region', { name: 'Pull secrets' }).getByRole('note')).toContainText(/secrets could not be read/i);
  });

  test("a rate-limited Docker Hub pull states Hub's allowance on the verdict and in the registry panel", async ({ page }) => {
    await openOverview(page, 'sim-admin', '?namespace=hub-limits');
    await workloadGroup(page, 'hub-limits', 'nightly').getByRole('link', { name: 'nginx', exact: true }).click({ timeout: SETTLE_TIMEOUT });
    await expect(page.locator('[data-verdict]').first()).toHaveAttribute('data-verdict', 'rate-limited', { timeout: SETTLE_TIMEOUT });
    const stated = 'Docker Hub allows 0 more of 100 pulls per 6 h for this client (counted against capped-bot)';
    const onVerdict = page.locator('[aria-label="Docker Hub allowance"]');
    await expect(onVerdict).toContainText(stated);
    await expect(onVerdict).toHaveAttribute('data-remaining', '0');
    await expect(page.locator('[data-container="nginx"]').filter({ hasText: 'Pull allowance at' })).toContainText(stated);
  });

  test('an unknown pod says what happened and offers a retry', async ({ page }) => {
    await page.goto('/contexts/sim-admin/namespaces/default/pods/no-such-pod');
    const alert = page.getByRole('alert').filter({ hasText: 'could not be diagnosed' });
    await expect(alert).toBeVisible({ timeout: SETTLE_TIMEOUT });
    await expect(alert).toContainText('no-such-pod');
    await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
  });

  test('secret hygiene: no password or auth value of the scenario reaches the browser', async ({ page, request }) => {
    test.setTimeout(360_000);
    const secrets = demoSecretValues();
    expect(secrets.length, 'the scenario holds credentials to look for').toBeGreaterThan(10);
    const bodies: { url: string; body: string }[] = [];
    let reading = 0;
    page.on('response', async (response) => {
      reading += 1;
      const body = await response.body().catch(() => null);
      if (body) bodies.push({ url: response.url(), body: body.toString('utf8') });
      reading -= 1;
    });

    // The browser renders one pod of each verdict per context (each verdict has its own form, panel and hand-off);
    // every other failing pod's detail answer is read through the same API, so every pod's data is searched.
    for (const context of ['sim-admin', 'sim-viewer']) {
      await openOverview(page, context);
      const rendered = new Set<string>();
      for (const item of await failingPods(request, context)) {
        const path = `/contexts/${context}/namespaces/${item.namespace}/pods/${item.pod}`;
        if (rendered.has(item.verdict.code)) {
          const response = await request.get(`/api${path}`);
          expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
          bodies.push({ url: response.url(), body: await response.text() });
          continue;
        }
        rendered.add(item.verdict.code);
        await page.goto(path);
        await expect(page.locator('[data-verdict]').first()).toBeVisible({ timeout: SETTLE_TIMEOUT });
      }
    }
    await page.waitForLoadState('networkidle');
    // Bodies are read asynchronously: every response seen so far must be in `bodies` before they are searched.
    await expect.poll(() => reading).toBe(0);

    expect(bodies.filter(({ url }) => url.includes('/api/')).length).toBeGreaterThan(20);
    const leaks = bodies.flatMap(({ url, body }) => secrets.filter((secret) => body.includes(secret)).map((secret) => `${url} contains ${secret.slice(0, 3)}…`));
    expect(leaks).toEqual([]);
  });

  test('screenshots in light and dark mode', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await openNginxDavid(page, 'sim-admin');
      await screenshot(page, `pod-detail-${colorScheme}`);
    }
  });
});
