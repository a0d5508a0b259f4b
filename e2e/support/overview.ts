import { expect, type Locator, type Page } from '@playwright/test';

/** The simulated kubelet needs a few back-off rounds before every failure has its final reason. */
export const SETTLE_TIMEOUT = 45_000;

/** The table rows of one workload group (a `<tbody>` keyed namespace/kind/name). */
export function workloadGroup(page: Page, namespace: string, name: string): Locator {
  return page.locator(`tbody[data-workload^="${namespace}/"][data-workload$="/${name}"]`);
}

export async function openOverview(page: Page, context = 'sim-admin', query = ''): Promise<void> {
  await page.goto(`/contexts/${context}${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Image pull failures' })).toBeVisible();
  // The table (cards on a phone) or the empty state, once no longer busy: the stream's first answer arrived (until
  // then the rows are the server's first screen).
  const loaded = page
    .getByRole('table')
    .or(page.getByRole('list', { name: 'Failing workloads' }))
    .or(page.getByRole('region', { name: /^No pull failures in / }));
  await expect(loaded).toBeVisible({ timeout: SETTLE_TIMEOUT });
  await expect(page.locator('#failures[aria-busy="true"]')).toHaveCount(0, { timeout: SETTLE_TIMEOUT });
}

/** Screenshots for people to look at after a run, under the run's output folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/e2e/screenshots/${name}.png`, fullPage: true });
}

/** A verdict filter chip; the chips that do not fit on the line sit behind the "more" button, opened when needed. */
export async function verdictChip(page: Page, name: RegExp): Promise<Locator> {
  const chips = page.getByRole('group', { name: 'Filter by verdict' });
  const chip = chips.getByRole('button', { name });
  if ((await chip.count()) === 0) await chips.getByRole('button', { name: /^\d+ more/ }).click();
  return chip;
}

/** Presses Tab from where focus is until `target` has focus or `limit` presses were made; the presses made. */
export async function tabUntilFocused(page: Page, target: Locator, limit: number): Promise<number> {
  let presses = 0;
  while (presses < limit && !(await target.evaluate((element) => element === document.activeElement))) {
    await page.keyboard.press('Tab');
    presses++;
  }
  return presses;
}
