import { expect, test } from '@playwright/test';
import type { FailuresResponse } from '../lib/api/types';
import { byImpact, groupByWorkload } from '../lib/overview';
import { DEMO_WORKLOADS } from './support/demo-scenario';
import { openOverview, screenshot, SETTLE_TIMEOUT, verdictChip, workloadGroup } from './support/overview';

test.describe('overview', () => {
  test('/ opens the current context', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/contexts\/sim-admin$/);
  });

  test("the seed's case: nginx-david cannot pull and a matching secret sits unattached", async ({ page }) => {
    await openOverview(page);
    const group = workloadGroup(page, 'default', 'nginx-david');
    await expect(group.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'no-working-credential', { timeout: SETTLE_TIMEOUT });
    await expect(group.getByRole('rowheader')).toContainText('Deployment');
    await expect(group.getByRole('rowheader')).toContainText('default');
    const chips = group.getByRole('list', { name: /^image / });
    await expect(chips.locator('[data-part]')).toHaveText(['registry docker.io', 'account davidpuziol', 'image nginx', 'tag latest (implied)']);
    await expect(chips.locator('[data-part="registry"]')).toHaveAttribute('data-implied', 'false');
    await expect(chips.locator('[data-part="tag"]')).toHaveAttribute('data-implied', 'true');
    await expect(group).toContainText('dockercreds, dockerreq not attached');
  });

  for (const row of DEMO_WORKLOADS) {
    test(`${row.namespace}/${row.workload} ${row.verdict ? `shows ${row.verdict}` : 'is healthy and not listed'}`, async ({ page }) => {
      await openOverview(page, 'sim-admin', `?namespace=${row.namespace}`);
      const group = workloadGroup(page, row.namespace, row.workload);
      if (row.verdict === null) {
        await expect(group).toHaveCount(0);
        return;
      }
      const container = group.getByRole('row').filter({ has: page.getByRole('link', { name: row.container, exact: true }) });
      await expect(container.first().locator('[data-verdict]')).toHaveAttribute('data-verdict', row.verdict, { timeout: SETTLE_TIMEOUT });
    });
  }

  test("the first screen of rows is in the server's HTML: shown while the failures API is held back, then the live view", async ({ page }) => {
    // Every failures request, the stream's too, is left unanswered.
    await page.route(/\/api\/contexts\/[^/]+\/failures/, () => undefined);
    const group = workloadGroup(page, 'default', 'nginx-david');
    // The server waits a moment for its answer and sends the page without rows when it is not there yet (a cold
    // cache): the answer it went on computing is there for the next load.
    await expect(async () => {
      await page.goto('/contexts/sim-admin?namespace=default');
      await expect(group.getByRole('link', { name: 'nginx', exact: true })).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: SETTLE_TIMEOUT });
    await expect(page.locator('#failures')).toHaveAttribute('aria-busy', 'true');
    await expect(page.getByRole('status').filter({ hasText: /failing containers? as the server last saw them; the live view is connecting\.$/ })).toBeVisible();
    await expect(page.getByRole('group', { name: 'Filter by verdict' })).toHaveCount(0);

    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await openOverview(page, 'sim-admin', '?namespace=default');
    await expect(page.getByRole('status').filter({ hasText: 'as the server last saw them' })).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'Filter by verdict' })).toBeVisible();
    await expect(group.getByRole('link', { name: 'nginx', exact: true })).toBeVisible();
  });

  test('workloads come most urgent first: unavailable replicas, then the longest failing', async ({ page, request }) => {
    await openOverview(page);
    await expect(async () => {
      const response = await request.get('/api/contexts/sim-admin/failures');
      const expected = byImpact(groupByWorkload(((await response.json()) as FailuresResponse).items)).map((group) => group.key);
      expect(await page.locator('tbody[data-workload]').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-workload')))).toEqual(expected);
    }).toPass({ timeout: SETTLE_TIMEOUT });
  });

  test('the shared failures answer goes out as the bytes it was serialized to, never gzipped again per request', async ({ request }) => {
    const response = await request.get('/api/contexts/sim-admin/failures', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(response.status()).toBe(200);
    expect(response.headers()['content-encoding']).toBeUndefined();
    expect(response.headers()['cache-control']).toBe('no-store, no-transform');
    expect(((await response.json()) as FailuresResponse).items.length).toBeGreaterThan(0);
  });

  test('a row says how long it has been failing, from its first failed pull, with the exact time on focus', async ({ page, request }) => {
    const items = ((await (await request.get('/api/contexts/sim-admin/failures?namespace=default')).json()) as FailuresResponse).items;
    const since = items.find((item) => item.workload?.name === 'nginx-david')?.failingSince;
    expect(since, 'the demo has pulled and failed by now').toBeTruthy();
    // The page's clock is set 12.5 minutes after the first failed pull; the label ticks in whole quarter-minutes.
    await page.clock.setFixedTime(Date.parse(since ?? '') + 12.5 * 60_000);
    await openOverview(page, 'sim-admin', '?namespace=default');
    const row = workloadGroup(page, 'default', 'nginx-david').getByRole('row').first();
    const time = row.locator(`time[datetime="${since}"]`);
    await expect(time).toContainText(/^12m/);
    const exact = `${new Date(since ?? '').toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    await expect(time).toHaveAttribute('title', `first failed pull: ${exact}`);
    await expect(row.getByText(`since ${exact}`)).toBeHidden();
    await row.getByRole('link', { name: 'nginx', exact: true }).focus();
    await expect(row.getByText(`since ${exact}`)).toBeVisible();
  });

  test("clicking anywhere on a row's text opens its pod; the Fix button opens the fix form", async ({ page }) => {
    await openOverview(page, 'sim-admin', '?namespace=default');
    const row = workloadGroup(page, 'default', 'nginx-david').getByRole('row').first();
    await expect(row.getByRole('link', { name: /^Fix nginx in nginx-david-/ })).toBeVisible({ timeout: SETTLE_TIMEOUT });
    await row.getByText('What to do:').click();
    await expect(page).toHaveURL(/\/namespaces\/default\/pods\/nginx-david-[^#]+$/);
    await page.goBack();
    await row.getByRole('link', { name: /^Fix nginx in nginx-david-/ }).click();
    await expect(page).toHaveURL(/\/namespaces\/default\/pods\/nginx-david-[^#]+#fix$/);
    await expect(page.locator('#fix')).toBeFocused({ timeout: SETTLE_TIMEOUT });
  });

  test('the verdict chips take one line; the others are one click away', async ({ page }) => {
    test.slow();
    await openOverview(page);
    const chips = page.getByRole('group', { name: 'Filter by verdict' });
    const tops = await chips.getByRole('button').evaluateAll((buttons) => [...new Set(buttons.map((button) => Math.round(button.getBoundingClientRect().top)))]);
    expect(tops).toHaveLength(1);
    const more = chips.getByRole('button', { name: /^\d+ more/ });
    await expect(more).toHaveAttribute('aria-expanded', 'false');
    await more.click();
    await expect(more).toHaveAttribute('aria-expanded', 'true');
    const hidden = Number(/^(\d+)/.exec((await more.textContent()) ?? '')?.[1]);
    await expect(chips.locator(`[id="${await more.getAttribute('aria-controls')}"]`).getByRole('button')).toHaveCount(hidden);
    await page.keyboard.press('Escape');
    await expect(more).toHaveAttribute('aria-expanded', 'false');
    await expect(more).toBeFocused();
  });

  test('a namespace without failures says so', async ({ page }) => {
    await page.goto('/contexts/sim-admin?namespace=legacy');
    await expect(page.getByRole('heading', { name: 'No pull failures in sim-admin' })).toBeVisible({ timeout: SETTLE_TIMEOUT });
  });

  test('filters live in the URL and survive a reload', async ({ page }) => {
    await openOverview(page);
    await (await verdictChip(page, /Registry unreachable/)).click();
    await expect(page).toHaveURL(/verdict=registry-unreachable/);
    await expect(page.locator('tbody[data-workload]')).toHaveCount(2);
    await page.getByRole('searchbox').fill('tls');
    await expect(page).toHaveURL(/q=tls/);
    await expect(page.locator('tbody[data-workload]')).toHaveCount(1);
    await page.reload();
    // The verdict chips come with the first answer after the reload; wait for it as openOverview does.
    await expect(page.locator('tbody[data-workload]')).toHaveCount(1, { timeout: SETTLE_TIMEOUT });
    // The pressed chip stays on the line, whatever else goes behind "more".
    await expect(page.getByRole('group', { name: 'Filter by verdict' }).getByRole('button', { name: /Registry unreachable/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('searchbox')).toHaveValue('tls');
    await expect(workloadGroup(page, 'network', 'tls-fail')).toHaveCount(1);

    const namespace = page.getByRole('combobox', { name: 'Namespace' });
    await namespace.fill('network');
    await namespace.press('Enter');
    await expect(page).toHaveURL(/namespace=network/);
    await expect(page.getByText('in sim-admin, namespace network', { exact: true })).toBeVisible();
  });

  test('the context switcher opens the other context', async ({ page }) => {
    await openOverview(page);
    await page.getByRole('combobox', { name: 'Context' }).selectOption('sim-viewer');
    await expect(page).toHaveURL(/\/contexts\/sim-viewer/);
    await expect(workloadGroup(page, 'default', 'nginx-david')).toHaveCount(1, { timeout: SETTLE_TIMEOUT });
  });

  test('a failed refresh keeps the last data and says so', async ({ page }) => {
    // The stream refused, the page falls back to polling: the first answer comes through, every later one fails.
    let answered = 0;
    await page.route('**/api/contexts/sim-admin/failures**', (route) => {
      if (!new URL(route.request().url()).pathname.endsWith('/stream') && answered++ === 0) return route.continue();
      return route.fulfill({
        status: 502,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unreachable', message: 'the cluster is not reachable: connection refused', reason: null, status: 502 } }),
      });
    });
    await openOverview(page);
    const refresh = page.getByRole('status').filter({ hasText: 'refresh failed: the cluster is not reachable: connection refused' });
    await expect(refresh).toBeVisible({ timeout: 20_000 });
    await expect(refresh).toContainText('showing data from');
    await expect(workloadGroup(page, 'default', 'nginx-david')).toHaveCount(1);
  });

  test('keyboard: Tab reaches the verdict chips and a pod link, Enter opens it', async ({ page }) => {
    await openOverview(page, 'sim-admin', '?namespace=default');
    const link = workloadGroup(page, 'default', 'nginx-david').getByRole('link', { name: 'nginx', exact: true });
    await expect(link).toBeVisible({ timeout: SETTLE_TIMEOUT });
    for (let presses = 0; presses < 40 && !(await link.evaluate((element) => element === document.activeElement)); presses++) {
      await page.keyboard.press('Tab');
    }
    await expect(link).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/namespaces\/default\/pods\/nginx-david-/);
  });

  test('fits a phone: one card per workload, nothing scrolls sideways', async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    await openOverview(page);
    const card = page.locator('[data-workload-card="default/Deployment/nginx-david"]');
    await expect(card.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'no-working-credential', { timeout: SETTLE_TIMEOUT });
    await expect(page.getByRole('table')).toBeHidden();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'overview-phone');
  });

  test('screenshots in light and dark mode', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await openOverview(page);
      await expect(workloadGroup(page, 'default', 'nginx-david').locator('[data-verdict]')).toBeVisible({ timeout: SETTLE_TIMEOUT });
      await screenshot(page, `overview-${colorScheme}`);
    }
  });
});
