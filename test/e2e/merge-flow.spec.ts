import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { test as base, expect, startHost, type AppHost } from './fixtures';
import { findMergeCase, expectedUnion, type MergeCase } from '../helpers/sandbox-merge';
import type { SandboxStateData } from '../../app/sandbox/keap';
import type { SandboxState } from '../../app/sandbox/wordpress/state';
import type { Db } from '../../app/store/database';

const SHOTS = process.env.MERGEDESK_SCREENSHOTS;

// The embedded default on a fresh workspace: a Keap sandbox and a WordPress sandbox, synced, then scanned.
const test = base.extend<{ sandboxApp: AppHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  sandboxApp: async ({}, use) => {
    const host = await startHost();
    await use(host);
    const exited = new Promise((r) => host.process.once('exit', r));
    if (host.process.exitCode === null) host.process.kill('SIGTERM');
    await exited;
    rmSync(host.workspace, { recursive: true, force: true });
  },
});

const keapState = (ws: string) =>
  JSON.parse(readFileSync(join(ws, 'sandbox', 'keap', 'keap-sandbox.json'), 'utf8')) as SandboxStateData;
const siteState = (ws: string) =>
  JSON.parse(
    readFileSync(join(ws, 'sandbox', 'wordpress', 'wordpress-sandbox.json'), 'utf8'),
  ) as SandboxState;

/** Waits until the host has synced both sandboxes and scanned, then picks a group worth merging. */
async function waitForCase(ws: string): Promise<MergeCase> {
  let last: unknown;
  for (let i = 0; i < 240; i++) {
    try {
      const db = new Database(join(ws, 'mergedesk.db'), { readonly: true, fileMustExist: true });
      try {
        const ready = db
          .prepare(
            `SELECT (SELECT count(*) FROM connections WHERE last_sync_at IS NOT NULL) AS synced,
                    (SELECT count(*) FROM detect_runs WHERE status = 'completed') AS scans`,
          )
          .get() as { synced: number; scans: number };
        if (ready.synced === 2 && ready.scans > 0) return findMergeCase(db as unknown as Db, keapState(ws));
        last = ready;
      } finally {
        db.close();
      }
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the sandbox never became ready: ${String(last)}`);
}

test('merges a sandbox duplicate end to end: review, pick, plan, run, and the CRM and the site agree', async ({
  page,
  sandboxApp,
}) => {
  test.setTimeout(180_000);
  const ws = sandboxApp.workspace;
  const c = await waitForCase(ws);
  const before = keapState(ws);
  const union = expectedUnion(before, c);

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(sandboxApp.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Duplicates' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Duplicates' })).toBeVisible();
  await page.evaluate(`window.location.hash = "#/duplicates/${c.groupId}"`);
  const review = page.getByRole('region', { name: `Review group ${c.groupId}` });
  await expect(review).toBeVisible();

  // Survivor: the record without the WordPress member, so the member has to be relinked.
  const first = page.getByRole('columnheader').nth(1);
  if (!((await first.textContent()) ?? '').includes(`#${c.survivorId}`))
    await review.getByRole('button', { name: `Make #${c.survivorId} the survivor` }).click();
  await expect(first).toContainText(`#${c.survivorId}`);
  // Pick one differing value from the duplicate.
  const pick = review.getByRole('radio', { name: / from record 2$/ }).first();
  if ((await pick.count()) > 0) {
    await pick.check();
    await expect(pick).toBeChecked();
  }
  if (SHOTS) {
    await page.screenshot({ path: join(SHOTS, 'review-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'review-1024.png'), fullPage: true });
  }

  await review.getByRole('button', { name: 'Merge…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Merge plan' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('What cannot be undone')).toBeVisible();
  for (const box of await dialog.getByRole('checkbox').all()) await box.check();
  if (SHOTS) {
    await dialog.screenshot({ path: join(SHOTS, 'plan-1024.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await dialog.screenshot({ path: join(SHOTS, 'plan-1280.png') });
  }
  await dialog.getByRole('button', { name: 'Run merge' }).click();
  // "Merged into Ann Lee (#101)": the name with the id beside it.
  await expect(page.getByRole('heading', { name: /^Merged into / })).toContainText(`(#${c.survivorId})`, {
    timeout: 60_000,
  });

  // The CRM sandbox over its API: the loser is gone, the survivor is there.
  const db = new Database(join(ws, 'mergedesk.db'), { readonly: true });
  const baseUrl = db.prepare(`SELECT base_url FROM connections WHERE kind = 'keap'`).pluck().get() as string;
  db.close();
  const apiKey = `KeapAK-sandbox-${createHash('sha256').update(`mergedesk-sandbox-${before.seed}`).digest('hex').slice(0, 32)}`;
  const get = (id: string) =>
    fetch(`${baseUrl}/rest/v2/contacts/${id}`, { headers: { 'X-Keap-API-Key': apiKey } }).then(
      (r) => r.status,
    );
  expect(await get(c.loserId)).toBe(404);
  expect(await get(c.survivorId)).toBe(200);
  // Its state: every tag, order and subscription of both records now belongs to the survivor.
  const after = keapState(ws);
  expect(after.contacts[c.loserId]).toBeUndefined();
  expect(Object.keys(after.contactTags[c.survivorId] ?? {})).toEqual(expect.arrayContaining(union.tags));
  const owned = <T extends { id: string; contact_id: string }>(rows: Record<string, T>) =>
    Object.values(rows)
      .filter((r) => r.contact_id === c.survivorId)
      .map((r) => r.id)
      .sort();
  expect(owned(after.orders)).toEqual(union.orders);
  expect(owned(after.subscriptions)).toEqual(union.subscriptions);
  // The WordPress sandbox: the member is linked to the survivor and no AccessAlly order keeps the loser's id.
  const site = siteState(ws);
  expect(site.users.find((u) => u.id === c.wpUserId)?.contactId).toBe(c.survivorId);
  expect(site.orders.filter((o) => o.contactId === c.loserId)).toEqual([]);

  // History: the run, every step done.
  await page.getByRole('link', { name: 'See the run in History' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'completed' })).toBeVisible();
  const steps = page.locator('.step-list li');
  await expect(steps.first()).toBeVisible();
  const statuses = await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  expect(statuses.length).toBeGreaterThan(5);
  expect(statuses.every((s) => s === 'done')).toBe(true);
  if (SHOTS) {
    await page.screenshot({ path: join(SHOTS, 'history-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'history-1024.png'), fullPage: true });
  }
});
