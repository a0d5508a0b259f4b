import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { THEME_COOKIE } from '../lib/theme';
import { openOverview, SETTLE_TIMEOUT, tabUntilFocused, workloadGroup } from './support/overview';

/**
 * Issue 14 item 6: WCAG 2.2 AA on the overview, the pod detail and the fix form in both themes (axe-core: any
 * serious or critical violation fails), keyboard paths that start at the top of the page, and layouts that never
 * scroll sideways.
 */

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function useTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const base = test.info().project.use.baseURL ?? '';
  await page.context().addCookies([{ name: THEME_COOKIE, value: theme, url: base }]);
}

/** Serious and critical violations, each as "rule: target, target" so a failure says where to look. */
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_22_AA);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => `${node.target.join(' ')} ${node.failureSummary ?? ''}`).join(' | ')}`);
}

/** The demo's seed case, opened from its row's Fix button: the pod detail with the fix form in view. */
async function openFixForm(page: Page): Promise<void> {
  await openOverview(page, 'sim-admin', '?namespace=default');
  await workloadGroup(page, 'default', 'nginx-david').getByRole('link', { name: /^Fix nginx in nginx-david-/ }).click({ timeout: SETTLE_TIMEOUT });
  await expect(page).toHaveURL(/\/namespaces\/default\/pods\/nginx-david-[^#]+#fix$/);
  await expect(page.locator('#fix form')).toBeVisible({ timeout: SETTLE_TIMEOUT });
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`axe-core, ${theme} theme`, () => {
    test.beforeEach(async ({ page }) => useTheme(page, theme));
    // axe's colour-contrast rule walks every text node: on a shared two-core machine that takes a while.
    test.slow();

    test('the overview has no serious or critical violation', async ({ page }) => {
      await openOverview(page);
      await expect(workloadGroup(page, 'default', 'nginx-david').locator('[data-verdict]')).toBeVisible({ timeout: SETTLE_TIMEOUT });
      await expect(page.locator('html')).toHaveClass(theme);
      expect(await seriousViolations(page)).toEqual([]);
    });

    test('the pod detail and its fix form have no serious or critical violation', async ({ page }) => {
      await openFixForm(page);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await seriousViolations(page, '#fix')).toEqual([]);
    });
  });
}

test.describe('keyboard', () => {
  test('the skip link is the first stop and lands on the failures table', async ({ page }) => {
    await openOverview(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to the failures table' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#failures')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.locator('#failures a[data-row-link]').first()).toBeFocused();
  });

  test('from load, Tab reaches the first incident action in at most 5 presses', async ({ page }) => {
    await openOverview(page);
    const firstAction = page.getByRole('region', { name: /incidents?, most urgent first/ }).getByRole('listitem').first().getByRole('link');
    await expect(firstAction).toBeVisible({ timeout: SETTLE_TIMEOUT });
    await tabUntilFocused(page, firstAction, 5);
    await expect(firstAction).toBeFocused();
  });

  test('after a client-side navigation focus is on the new page heading', async ({ page }) => {
    await openOverview(page, 'sim-admin', '?namespace=default');
    await workloadGroup(page, 'default', 'nginx-david').getByRole('link', { name: 'nginx', exact: true }).click({ timeout: SETTLE_TIMEOUT });
    await expect(page.getByRole('heading', { level: 1, name: /^nginx-david-/ })).toBeFocused({ timeout: SETTLE_TIMEOUT });
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'sim-admin' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Image pull failures' })).toBeFocused();
  });

  test("a row's Fix button opens the pod with focus on the fix form", async ({ page }) => {
    await openFixForm(page);
    await expect(page.locator('#fix')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.locator('#fix :focus')).toHaveCount(1);
  });
});

test.describe('layout', () => {
  for (const width of [1280, 390]) {
    test(`nothing scrolls sideways at ${width} px, on the overview and the pod detail`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await openOverview(page);
      await expect(page.locator('[data-verdict]').first()).toBeVisible({ timeout: SETTLE_TIMEOUT });
      expect(await sidewaysOverflow(page), 'overview').toBeLessThanOrEqual(0);
      await page.goto(await page.locator('a[data-row-link][href*="/namespaces/network/pods/dns-fail-"], [data-workload-card] a[href*="/namespaces/network/pods/dns-fail-"]:not([aria-label])').first().getAttribute('href') ?? '');
      await expect(page.locator('[data-verdict]').first()).toBeVisible({ timeout: SETTLE_TIMEOUT });
      expect(await sidewaysOverflow(page), 'pod detail').toBeLessThanOrEqual(0);
    });
  }
});

function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
