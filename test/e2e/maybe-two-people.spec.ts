import { test, expect } from './fixtures';
import { readCache, sharedSandboxHost } from './sandbox-host';
import { Desk } from './pages/desk';
import { Review } from './pages/review';

const host = sharedSandboxHost();

/** A "maybe two people" group whose records have different first names. */
function differentFirstNames(workspace: string): { groupId: number; names: string[] } {
  return readCache(workspace, (db) => {
    const groups = db
      .prepare(
        `SELECT id, crm_ids FROM dup_groups WHERE status = 'open' AND lane = 'maybe_two_people' ORDER BY id`,
      )
      .all() as { id: number; crm_ids: string }[];
    const given = db.prepare('SELECT given_name FROM contacts WHERE crm_id = ?').pluck();
    for (const g of groups) {
      const names = (JSON.parse(g.crm_ids) as string[]).map((id) => String(given.get(id) ?? ''));
      if (names.every(Boolean) && new Set(names.map((n) => n.toLowerCase())).size === names.length)
        return { groupId: g.id, names };
    }
    throw new Error('no maybe-two-people group with different first names');
  });
}

test('a group that may be two people names the conflict first and cannot run until confirmed', async ({
  page,
}) => {
  const { groupId, names } = differentFirstNames(host().workspace);
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.visit(`#/duplicates/${groupId}`);
  const review = new Review(page, groupId);
  await expect(review.root).toBeVisible();

  // The review says it first, in words, above the grid and the buttons.
  await expect(review.twoPeople).toBeVisible();
  await expect(review.twoPeople).toContainText('Different first names');
  for (const n of names) await expect(review.twoPeople).toContainText(n);
  const notice = (await review.twoPeople.boundingBox())!;
  expect(notice.y).toBeLessThan((await review.button('Merge…').boundingBox())!.y);
  expect(notice.y).toBeLessThan((await review.grid.boundingBox())!.y);

  // The plan says it first too, and Run stays disabled until it is confirmed.
  await review.openPlan();
  const planNotice = review.plan.getByRole('group', { name: 'Maybe two people' });
  await expect(planNotice).toContainText('Different first names');
  expect((await planNotice.boundingBox())!.y).toBeLessThan(
    (await review.plan.getByRole('list').first().boundingBox())!.y,
  );
  await review.confirmGuards(/one person/);
  await expect(review.runButton).toBeDisabled();
  await planNotice.getByRole('checkbox', { name: /these records are one person/ }).check();
  await expect(review.runButton).toBeEnabled();
});

test('confirming in the review carries into the plan', async ({ page }) => {
  const { groupId } = differentFirstNames(host().workspace);
  const desk = new Desk(page);
  await desk.open(host().url);
  await desk.visit(`#/duplicates/${groupId}`);
  const review = new Review(page, groupId);
  await review.twoPeople.getByRole('checkbox', { name: /these records are one person/ }).check();
  await review.openPlan();
  await expect(
    review.plan.getByRole('group', { name: 'Maybe two people' }).getByRole('checkbox'),
  ).toBeChecked();
});
