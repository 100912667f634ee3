import { test, expect } from './fixtures';
import { sharedSandboxHost } from './sandbox-host';
import { Desk } from './pages/desk';
import { OverviewPage } from './pages/overview';
import { Review } from './pages/review';

const host = sharedSandboxHost();

test('the first screen says who is at risk, links each to the group that fixes it, and shows what a merge fixed', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const desk = new Desk(page);
  await desk.open(host().url);
  const overview = new OverviewPage(page);
  await overview.expectShown();

  // Lanes beside the lists, and a chart whose bars add up to them.
  const safe = await overview.laneCount('Safe');
  expect(safe).toBeGreaterThan(0);
  const bars = await overview.chart
    .locator('rect[data-lane="safe"]')
    .evaluateAll((els) => els.reduce((n, e) => n + Number(e.getAttribute('data-count')), 0));
  expect(bars).toBe(safe);
  await expect(overview.list('Two logins')).toBeVisible();
  await expect(overview.list('Linked to a contact the CRM no longer has')).toBeVisible();
  await expect(overview.fixed).toHaveText('Nothing merged yet.');
  await testInfo.attach('overview', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });

  // A member with split access: the link opens the group that fixes it.
  const row = overview.members('Split access').first();
  const login = (await row.locator('strong').textContent())!;
  await expect(row).toContainText('sits on a duplicate');
  await row.getByRole('link', { name: /^Review group \d+$/ }).click();
  const review = new Review(page);
  await expect(review.root).toBeVisible();
  await review.openPlan();
  await review.confirmGuards();
  await review.runButton.click();
  await expect(page.getByRole('region', { name: 'Last merge' })).toBeVisible({ timeout: 60_000 });

  // After the merge the same screen shows the member no longer at risk, and what was fixed.
  await desk.goTo('Overview');
  await expect(overview.fixed).toContainText('1 group merged');
  await expect(overview.members('Split access').filter({ hasText: login })).toHaveCount(0);
});
