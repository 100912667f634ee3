import { join } from 'node:path';
import { test, expect } from './fixtures';
import { readCache } from './sandbox-host';
import { AcSandboxReader } from './ac-sandbox';
import { Desk } from './pages/desk';
import { ConnectionSync, DuplicateScan } from './pages/sync-and-scan';
import { Review } from './pages/review';
import { HistoryRun } from './pages/history';

test.use({ crmSandbox: 'activecampaign' });

const SHOTS = process.env.MERGEDESK_SCREENSHOTS;

/** A two-record group where one record has the WordPress login: the other one stays, so the login is relinked. */
function pickGroup(workspace: string): {
  groupId: number;
  survivorId: string;
  loserId: string;
  login: string;
} {
  return readCache(workspace, (db) => {
    const groups = db
      .prepare(`SELECT id, crm_ids FROM dup_groups WHERE status = 'open' AND size = 2 ORDER BY id`)
      .all() as { id: number; crm_ids: string }[];
    const linked = new Map(
      (
        db
          .prepare('SELECT login, linked_contact_id FROM wp_users WHERE linked_contact_id IS NOT NULL')
          .all() as {
          login: string;
          linked_contact_id: string;
        }[]
      ).map((u) => [u.linked_contact_id, u.login] as const),
    );
    for (const g of groups) {
      const [x, y] = JSON.parse(g.crm_ids) as [string, string];
      if (linked.has(x) === linked.has(y)) continue;
      const [survivorId, loserId] = linked.has(x) ? [y, x] : [x, y];
      return { groupId: g.id, survivorId, loserId, login: linked.get(loserId)! };
    }
    throw new Error('no two-record group with one WordPress login');
  });
}

test('walks an ActiveCampaign merge on the sandboxes: sync, scan, review lists and automations by name, pick one, plan, merge, and both sandboxes agree', async ({
  page,
  app,
  acSandbox,
}) => {
  test.setTimeout(240_000);
  const sb = acSandbox!;
  const ac = new AcSandboxReader(sb.info);
  const desk = new Desk(page);
  await desk.open(app.url);

  const connections = new ConnectionSync(page);
  await connections.open();
  await connections.syncCrm(sb.crmLabel);
  await connections.syncSite(sb.siteLabel);
  await new DuplicateScan(page).run();

  const c = pickGroup(app.workspace);
  const before = {
    tags: [...new Set([...(await ac.tagIds(c.survivorId)), ...(await ac.tagIds(c.loserId))])].sort(),
    lists: [await ac.lists(c.survivorId), await ac.lists(c.loserId)],
    loserAutomations: await ac.automationIds(c.loserId),
  };
  const onboarding = await ac.automationId('Course onboarding');
  const welcome = await ac.automationId('Welcome series');
  expect(before.loserAutomations).toContain(onboarding);
  expect(await ac.automationIds(c.survivorId)).not.toContain(welcome);

  await desk.visit(`#/duplicates/${c.groupId}`);
  const review = new Review(page, c.groupId);
  await expect(review.root).toBeVisible();
  await review.makeSurvivor(c.survivorId);

  // Lists with their status and automations, by name, per record.
  await expect(review.memberships).toBeVisible();
  const survivorRow = review.membershipsOf(/\(survivor\)/);
  const loserRow = review.memberships.getByRole('row').filter({ hasNotText: '(survivor)' }).last();
  await expect(loserRow).toContainText('Course onboarding');
  await expect(loserRow).toContainText(/Customers \((subscribed|unsubscribed)\)/);
  await expect(survivorRow).toContainText(/Newsletter \((subscribed|unsubscribed)\)/);

  // The automation the duplicate is in is picked by default; the reviewer adds another from the CRM's list.
  await expect(review.automation('Course onboarding')).toBeChecked();
  await expect(review.automation('Course onboarding').locator('xpath=..')).toContainText('may send emails');
  await expect(review.automation('Welcome series')).not.toBeChecked();
  await review.automation('Welcome series').check();
  await expect(review.automation('Win-back')).not.toBeChecked();

  if (SHOTS) await review.memberships.screenshot({ path: join(SHOTS, 'ac-lists-automations.png') });

  await review.openPlan();
  if (SHOTS) await review.plan.screenshot({ path: join(SHOTS, 'ac-plan.png') });
  const plan = await review.planText();
  // The survivor by name, its id beside it.
  const survivor = `\\S.* \\(#${c.survivorId}\\)`;
  expect(plan).toMatch(new RegExp(`Add ${survivor} to the automation "Course onboarding"`));
  expect(plan).toMatch(new RegExp(`Add ${survivor} to the automation "Welcome series"`));
  expect(plan).not.toMatch(new RegExp(`(^|[^(])#${c.survivorId}\\b`, 'm'));
  expect(plan).not.toContain('"Win-back"');
  expect(plan).toMatch(new RegExp(`${survivor} ends on \\d+ lists?: .*"Customers"`));
  expect(plan).toContain('"Newsletter"');
  await review.confirmGuards();
  await review.runMerge(c.survivorId);

  // The ActiveCampaign sandbox, read back over its API.
  expect(await ac.contactExists(c.loserId)).toBe(false);
  expect(await ac.tagIds(c.survivorId)).toEqual(expect.arrayContaining(before.tags));
  const lists = await ac.lists(c.survivorId);
  for (const listId of new Set(before.lists.flatMap((l) => Object.keys(l)))) {
    const statuses = before.lists.map((l) => l[listId]).filter(Boolean);
    // An unsubscribe on any record wins ('2'); otherwise subscribed ('1').
    expect(lists[listId]).toBe(statuses.includes('2') ? '2' : '1');
  }
  expect(await ac.automationIds(c.survivorId)).toEqual(expect.arrayContaining([onboarding, welcome]));
  expect(await ac.automationIds(c.survivorId)).not.toContain(await ac.automationId('Win-back'));
  // The WordPress sandbox: the login follows the survivor, nothing is left on the deleted record.
  expect((await ac.membersOf(c.survivorId)).map((m) => m.login)).toContain(c.login);
  expect(await ac.membersOf(c.loserId)).toEqual([]);

  // History: the run complete, its steps in words with the automations by name.
  const history = new HistoryRun(page);
  await history.openFromResult();
  await expect(history.title).toContainText(/^Merge of \p{L}+.* · completed$/u);
  const statuses = await history.stepStatuses();
  expect(statuses.length).toBeGreaterThan(5);
  expect(statuses.every((s) => s === 'done')).toBe(true);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'ac-history.png'), fullPage: true });
  const steps = await history.stepsText();
  expect(steps).toContain('Added to the automation "Course onboarding"');
  expect(steps).toContain('Added to the automation "Welcome series"');
  expect(steps).not.toMatch(/automation #\d/);
});
