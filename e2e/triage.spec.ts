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
