import { expect, test } from '@playwright/test';

test('the home page renders with the app layout', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('banner').getByRole('link', { name: /pullfix/ })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Image pull failures' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('home.png'), fullPage: true });
});

test('the theme toggle cycles and survives a reload', async ({ page }) => {
  await page.goto('/');
  // The home page opens the current context's overview; once it shows data the page is interactive.
  await expect(page.getByText(/^updated .+ ago$/)).toBeVisible({ timeout: 45_000 });
  const toggle = page.getByRole('button', { name: /theme/i });
  await toggle.click();
  await expect(page.locator('html')).toHaveClass(/light/);
  await toggle.click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expect(page.getByRole('button', { name: /dark theme/i })).toBeVisible();
});
