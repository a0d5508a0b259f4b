import { expect, test } from '@playwright/test';
import { openOverview, SETTLE_TIMEOUT, workloadGroup } from './support/overview';

/**
 * The demo incident fixed from the overview with one preview and one apply: robot-store's rotated password
 * behind four workloads in store-front and store-back. It changes the cluster, so it runs in the `fix` project,
 * after the read-only specs (triage.spec.ts among them) have seen the demo as seeded.
 */
const NEW_PASSWORD = 'St0re-robot-2026';
const MEMBERS = [
  ['store-front', 'web'],
  ['store-front', 'catalog'],
  ['store-back', 'cart'],
  ['store-back', 'checkout'],
] as const;

test.use({ viewport: { width: 1440, height: 900 } });

test('fixes the demo incident with one apply, and every one of its rows leaves the overview', async ({ page }) => {
  test.slow();
  const answers: string[] = [];
  page.on('response', async (response) => {
    if (response.url().includes('/api/')) answers.push(await response.text().catch(() => ''));
  });
  await openOverview(page);
  for (const [namespace, name] of MEMBERS) await expect(workloadGroup(page, namespace, name)).toHaveCount(1, { timeout: SETTLE_TIMEOUT });

  const incident = page.getByRole('region', { name: /incidents?, most urgent first/ }).getByRole('listitem').filter({ hasText: 'harbor.example.com rejects the credentials in harbor-robot' });
  await expect(incident).toContainText('4 workloads');
  // Keyboard only: the action is a link, and the form's heading takes the focus.
  await incident.getByRole('link', { name: /Replace the harbor.example.com entry of harbor-robot in 2 namespaces/ }).press('Enter');
  const form = page.getByRole('region', { name: /^Fix the incident: harbor.example.com rejects the credentials in harbor-robot/ });
  await expect(form.getByRole('heading', { level: 3 })).toBeFocused();
  await expect(form).toContainText('Replace the data of harbor-robot in store-back, store-front with new credentials, then restart the 4 workloads');
  await expect(form.getByLabel('Secret name')).toHaveValue('harbor-robot');
  await expect(form.getByLabel('Registry server')).toHaveValue('harbor.example.com');
  await form.getByLabel('Username').fill('robot-store');
  await form.getByLabel('Password or token').fill(NEW_PASSWORD);

  await form.getByRole('button', { name: 'Preview all steps' }).click();
  const steps = form.getByRole('region', { name: 'Preview' }).getByRole('listitem');
  await expect(steps).toHaveCount(10);
  await expect(steps.filter({ hasText: 'dry run passed' })).toHaveCount(10);
  for (const namespace of ['store-front', 'store-back']) {
    await expect(steps.filter({ hasText: `${namespace}: replace the data of Secret harbor-robot` })).toHaveCount(1);
  }

  await form.getByRole('button', { name: 'Apply to 4 workloads' }).click();
  await expect(form.getByRole('status')).toHaveText('Applied all 10 steps.', { timeout: SETTLE_TIMEOUT });
  const progress = form.getByRole('region', { name: 'Progress of every workload' }).getByRole('listitem');
  await expect(progress).toHaveCount(4);
  await expect(progress.and(page.locator('[data-state="done"]'))).toHaveCount(4, { timeout: SETTLE_TIMEOUT });

  for (const [namespace, name] of MEMBERS) await expect(workloadGroup(page, namespace, name)).toHaveCount(0, { timeout: SETTLE_TIMEOUT });
  await expect(incident).toHaveCount(0);
  await expect(form.getByLabel('Password or token')).toHaveCount(0);
  expect(answers.some((answer) => answer.includes(NEW_PASSWORD)), 'the password never comes back from the API').toBe(false);
  expect(await page.content()).not.toContain(NEW_PASSWORD);
});
