import { expect, test } from '@playwright/test';
import { openOverview, SETTLE_TIMEOUT, workloadGroup } from './support/overview';

test.describe('triage', () => {
  test('the read-only viewer sees one folded warning per kind of unread data, the namespaces one click away', async ({ page }) => {
    await openOverview(page, 'sim-viewer');
    await expect(workloadGroup(page, 'default', 'nginx-david')).toHaveCount(1, { timeout: SETTLE_TIMEOUT });
    const warnings = page.getByRole('region', { name: 'Warnings' });
    const secrets = warnings.getByRole('listitem').filter({ hasText: /may not list secrets in \d+ namespaces/ });
    await expect(secrets).toHaveCount(1);
    await expect(warnings.getByText(/may not list secrets in namespace "/)).toHaveCount(0);
    const namespaces = secrets.locator('details p');
    await expect(namespaces).toBeHidden();
    await secrets.locator('summary').click();
    await expect(namespaces).toContainText('default');
  });
});

test.describe('incidents', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('the first screen shows every incident with its action, and Tab reaches the first action in at most 5 presses', async ({ page }) => {
    // Waits for the demo's back-offs to settle, then measures: give it the settling time on top of the usual.
    test.slow();
    await openOverview(page);
    const panel = page.getByRole('region', { name: /incidents?, most urgent first/ });
    await expect(panel).toBeVisible();
    const rows = panel.getByRole('listitem');
    // Measured in one pass in the page: rows re-render as the live data settles.
    await expect(async () => {
      const layout = await panel.evaluate((section) =>
        [...section.querySelectorAll('li')].map((row) => ({ bottom: row.getBoundingClientRect().bottom, links: row.querySelectorAll('a').length })),
      );
      expect(layout.length).toBeGreaterThan(3);
      for (const [i, row] of layout.entries()) {
        expect(row.links, `incident ${i + 1} has one action`).toBe(1);
        expect(row.bottom, `incident ${i + 1} of ${layout.length} is above the fold`).toBeLessThanOrEqual(900);
      }
    }).toPass({ timeout: SETTLE_TIMEOUT });

    const firstAction = rows.first().getByRole('link');
    await page.locator('body').focus();
    let presses = 0;
    while (presses < 5 && !(await firstAction.evaluate((element) => element === document.activeElement))) {
      await page.keyboard.press('Tab');
      presses++;
    }
    await expect(firstAction).toBeFocused();
  });
});

test('the fleet view lists every demo context, and incidents shared across them once', async ({ page }) => {
  test.slow();
  await openOverview(page);
  await page.getByRole('combobox', { name: 'Context' }).selectOption({ label: 'All contexts' });
  await expect(page).toHaveURL(/\/fleet$/);
  await expect(page.getByRole('heading', { level: 1, name: 'All contexts' })).toBeVisible();
  const contexts = page.getByRole('list', { name: 'Contexts' });
  for (const name of ['sim-admin', 'sim-viewer']) {
    await expect(contexts.locator(`[data-context="${name}"]`)).toHaveAttribute('data-state', 'failing', { timeout: SETTLE_TIMEOUT });
  }
  // Both contexts see the same cluster: a registry-wide cause is one incident naming both.
  const rateLimit = page.getByRole('region', { name: /incidents?, most urgent first/ }).getByRole('listitem').filter({ hasText: 'mirror.example.com is rate-limiting pulls' });
  await expect(rateLimit).toHaveCount(1);
  await expect(rateLimit).toContainText('2 contexts');
});

test('a namespace that does not exist is an error that names the namespace meant, never "no failures"', async ({ page }) => {
  await page.goto('/contexts/sim-admin?namespace=defualt');
  // Next's route announcer is an alert too: take the page's own.
  const alert = page.getByRole('alert').filter({ hasText: 'could not be read' });
  await expect(alert).toContainText('namespace "defualt" does not exist in context "sim-admin"; did you mean default?', { timeout: SETTLE_TIMEOUT });
  await expect(page.getByRole('region', { name: /^No pull failures in / })).toHaveCount(0);
});
