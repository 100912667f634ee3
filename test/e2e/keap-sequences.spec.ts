import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { readCache, waitForSandbox } from './sandbox-host';
import { findMergeCase } from '../helpers/sandbox-merge';
import type { SandboxStateData } from '../../app/sandbox/keap';
import type { Db } from '../../app/store/database';
import { Desk } from './pages/desk';
import { Review } from './pages/review';
import { HistoryRun } from './pages/history';

const SHOTS = process.env.MERGEDESK_SCREENSHOTS;

const keapState = (ws: string) =>
  JSON.parse(readFileSync(join(ws, 'sandbox', 'keap', 'keap-sandbox.json'), 'utf8')) as SandboxStateData;

test('Keap sequences are picked by name from the CRM’s campaigns, searched from the keyboard, named in the plan and History, and joined by the survivor', async ({
  page,
  app,
}) => {
  test.setTimeout(180_000);
  await waitForSandbox(app.workspace);
  const c = readCache(app.workspace, (db) => findMergeCase(db as unknown as Db, keapState(app.workspace)));
  const desk = new Desk(page);
  await desk.open(app.url);
  await desk.goTo('Duplicates');
  await desk.visit(`#/duplicates/${c.groupId}`);
  const review = new Review(page, c.groupId);
  await expect(review.root).toBeVisible();
  await review.makeSurvivor(c.survivorId);

  // The CRM's own list, by name with its campaign and whether it sends email; no box for ids.
  await expect(review.sequences.getByRole('textbox')).toHaveCount(0);
  await expect(review.sequence('Welcome emails')).toBeVisible();
  await expect(review.sequence('Course access tags').locator('xpath=..')).toContainText('sends no emails');
  await expect(review.sequence('Card expiring soon').locator('xpath=..')).toContainText('Renewal reminders');
  // The search narrows the list by sequence or campaign name.
  await review.sequences.getByLabel('Find a sequence').fill('renewal');
  await expect(review.sequence('Card expiring soon')).toBeVisible();
  await expect(review.sequence('Welcome emails')).toHaveCount(0);
  await review.pickSequence('onboarding welcome', 'Welcome emails');
  await expect(review.sequences).toContainText('Picked: Welcome emails.');
  if (SHOTS) await review.sequences.screenshot({ path: join(SHOTS, 'keap-sequences.png') });

  await review.openPlan();
  const plan = await review.planText();
  expect(plan).toMatch(
    new RegExp(
      `Add \\S.* \\(#${c.survivorId}\\) to the sequence "Welcome emails" \\(campaign "New member onboarding"\\)`,
    ),
  );
  expect(plan).not.toContain('Card expiring soon');
  await review.confirmGuards();
  await review.runMerge(c.survivorId);

  // The Keap sandbox: the survivor is in that campaign's sequence, and only that one.
  const after = keapState(app.workspace);
  expect(after.sequences['11/111']).toContain(c.survivorId);
  for (const [key, members] of Object.entries(after.sequences))
    if (key !== '11/111') expect(members).not.toContain(c.survivorId);

  const history = new HistoryRun(page);
  await history.openFromResult();
  const steps = await history.stepsText();
  expect(steps).toContain('"Welcome emails"');
  expect(steps).not.toMatch(/sequence #?111\b/);
});
