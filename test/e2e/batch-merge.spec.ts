import { test, expect } from './fixtures';
import { sharedSandboxHost } from './sandbox-host';
import { Desk } from './pages/desk';
import { BatchPanel, Queue } from './pages/queue';

const host = sharedSandboxHost();

test('merges a selection in a batch with progress, pause and resume, and sums up every group', async ({
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.goTo('Duplicates');
  const queue = new Queue(page);

  await queue.openLane(/^Safe/);
  const safe = await queue.firstGroupIds(3);
  for (const id of safe) await queue.tick(id);
  // A group that may be two people never enters a batch, even when someone ticks it.
  await queue.openLane(/^Maybe two people/);
  const [twoPeople] = await queue.firstGroupIds(1);
  await queue.tick(twoPeople!);

  const batch = new BatchPanel(page, queue.batch);
  await batch.start(/Merge 4 selected groups/);
  await expect(batch.progress).toBeVisible();
  await batch.pause();
  await expect(batch.root.getByRole('button', { name: 'Resume' })).toBeVisible();
  await batch.resume();
  await expect(batch.root.getByRole('status')).toContainText(/left|estimating|finishing/);

  await expect(batch.summary).toBeVisible({ timeout: 120_000 });
  await expect(batch.summary.getByRole('heading')).toContainText(
    'Batch finished: 3 groups merged, 1 skipped',
  );
  await expect(batch.summaryRow('merged')).toHaveCount(3);
  // Who was kept and who was merged, by name (the ids beside them, never alone).
  for (const row of await batch.summaryRow('merged').all())
    await expect(row).toContainText(/Kept [A-Za-z][^#]* \(#\d+\); merged [A-Za-z]/);
  const skipped = batch.summaryRow('skipped');
  await expect(skipped).toHaveCount(1);
  await expect(skipped).toContainText('may be two different people');
  await expect(skipped.getByRole('link').first()).toHaveAttribute('href', `#/duplicates/${twoPeople}`);
  await expect(batch.summary.getByRole('link', { name: /^History entry for / })).toHaveCount(3);
  await testInfo.attach('batch-summary', {
    body: await batch.root.screenshot(),
    contentType: 'image/png',
  });

  // Each merged group links to its run in History.
  await batch
    .summaryRow('merged')
    .first()
    .getByRole('link', { name: /^History entry for / })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await expect(page.getByText('completed').first()).toBeVisible();
});

test('stops a Safe-lane batch part way, and the summary says what was not started', async ({ page }) => {
  test.setTimeout(120_000);
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.goTo('Duplicates');
  const queue = new Queue(page);
  await queue.openLane(/^Safe/);
  const before = await queue.laneCount(/^Safe/);

  const batch = new BatchPanel(page, queue.batch);
  await batch.start(/Merge the Safe lane/);
  await expect(batch.progress).toBeVisible();
  // Several merges run at once, so the count may pass 1 between two looks: any merged group will do (a group
  // done may also be one the stop cuts short).
  await expect(batch.root.getByRole('status')).toContainText(/ [1-9]\d* merged/, { timeout: 60_000 });
  await batch.stop();
  await expect(batch.summary).toBeVisible({ timeout: 60_000 });
  await expect(batch.summary.getByRole('heading')).toContainText('Batch stopped');
  await expect(batch.summary.getByRole('heading')).toContainText('not started');
  // Each merged group gets its row (from the merge runs, read once the batch has ended), and the lane count
  // follows what the batch merged.
  const merged = await batch.mergedInSummary();
  expect(merged).toBeGreaterThan(0);
  await expect(batch.summaryRow('merged')).toHaveCount(merged);
  // A merge the stop caught between two steps is left to resume from History, not called a failure.
  await expect(batch.summaryRow('failed')).toHaveCount(0);
  for (const row of await batch.summaryRow('interrupted').all())
    await expect(row.getByRole('link', { name: /^History entry for / })).toBeVisible();
  await expect.poll(() => queue.laneCount(/^Safe/)).toBe(before - merged);
});
