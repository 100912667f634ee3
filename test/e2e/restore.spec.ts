import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from '@playwright/test';
import { test as base, expect, startHost, stopHost, type AppHost } from './fixtures';
import type { SandboxStateData } from '../../app/sandbox/keap';
import type { SandboxState } from '../../app/sandbox/wordpress/state';

const test = base.extend<{ sandboxApp: AppHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  sandboxApp: async ({}, use) => {
    const host = await startHost();
    await use(host);
    await stopHost(host);
  },
});

const keapState = (ws: string) =>
  JSON.parse(readFileSync(join(ws, 'sandbox', 'keap', 'keap-sandbox.json'), 'utf8')) as SandboxStateData;
const siteState = (ws: string) =>
  JSON.parse(
    readFileSync(join(ws, 'sandbox', 'wordpress', 'wordpress-sandbox.json'), 'utf8'),
  ) as SandboxState;

interface RestoreCase {
  readonly groupId: number;
  readonly survivorId: string;
  readonly loserId: string;
  readonly wpUserId: number;
  readonly login: string;
  readonly accessTags: readonly string[];
}

/** Once the host has synced and scanned: a two-record group whose duplicate holds a member with two access tags. */
async function waitForCase(ws: string): Promise<RestoreCase> {
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
        if (ready.synced === 2 && ready.scans > 0) {
          const site = siteState(ws);
          const groups = db
            .prepare(
              `SELECT id, crm_ids FROM dup_groups WHERE status = 'open' AND size = 2
                 AND lane IN ('safe', 'needs_choice') ORDER BY score DESC, id`,
            )
            .all() as { id: number; crm_ids: string }[];
          for (const g of groups) {
            const ids = JSON.parse(g.crm_ids) as string[];
            for (const loserId of ids) {
              const members = site.users.filter((u) => u.contactId === loserId);
              const survivorId = ids.find((x) => x !== loserId)!;
              if (members.length !== 1 || site.users.some((u) => u.contactId === survivorId)) continue;
              if (members[0]!.tags.length < 2) continue;
              return {
                groupId: g.id,
                survivorId,
                loserId,
                wpUserId: members[0]!.id,
                login: members[0]!.login,
                accessTags: members[0]!.tags.map((t) => t.name).sort(),
              };
            }
          }
          throw new Error('no duplicate with a two-tag member in the sandbox');
        }
      } finally {
        db.close();
      }
    } catch (error) {
      if ((error as Error).message.startsWith('no duplicate')) throw error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the sandbox never became ready');
}

/** A merge run from a terminal beside the open app: it uses the app's sandbox, which the app serves. */
function mergeFromCli(ws: string, c: RestoreCase): Promise<{ runId: string }> {
  const args = [
    'bin/mergedesk.js',
    '--workspace',
    ws,
    'merge',
    String(c.groupId),
    '--survivor',
    c.survivorId,
    '--confirm',
    'access_loss,access_conflict,consent_conflict,two_active_subscriptions',
    '--yes',
    '--json',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`merge failed (${code}): ${err}`));
      const parsed = JSON.parse(out) as { run: { id: string; status: string } };
      resolve({ runId: parsed.run.id });
    }),
  );
}

/** The History screen, as a person uses it. */
class HistoryPage {
  constructor(private readonly page: Page) {}

  async openRun(runId: string) {
    await this.page.evaluate(`window.location.hash = "#/history/${runId}"`);
    // A run is titled by what it did, in words: "Merge of <survivor's name> on <date>".
    await expect(this.page.getByRole('heading', { name: /^Merge of / })).toBeVisible();
  }

  async restoreFromSnapshot() {
    await this.page.getByRole('button', { name: 'Restore from snapshot…' }).click();
    const preview = this.page.getByRole('dialog', { name: 'Restore preview' });
    await expect(preview).toBeVisible();
    await preview.getByRole('button', { name: 'Restore now' }).click();
  }

  restoreResult() {
    return this.page.getByRole('region', { name: 'Restore result' });
  }
}

test('restore from snapshot gives the member back their access, and says so per member', async ({
  page,
  sandboxApp,
}) => {
  test.setTimeout(240_000);
  const ws = sandboxApp.workspace;
  const c = await waitForCase(ws);
  const { runId } = await mergeFromCli(ws, c);
  expect(siteState(ws).users.find((u) => u.id === c.wpUserId)?.contactId).toBe(c.survivorId);

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(sandboxApp.url);
  const history = new HistoryPage(page);
  await history.openRun(runId);
  await history.restoreFromSnapshot();

  const result = history.restoreResult();
  await expect(result).toBeVisible({ timeout: 60_000 });
  const row = result.getByRole('listitem').filter({ hasText: c.login });
  await expect(row).toBeVisible();
  for (const tag of c.accessTags) await expect(row).toContainText(tag);
  await expect(row).toHaveAttribute('data-ok', 'yes');
  await expect(result.getByText('Not as before')).toHaveCount(0);

  // The sandboxes agree: a new contact holds the duplicate's tags, and the member is linked to it with both tags.
  const crm = keapState(ws);
  expect(crm.contacts[c.loserId]).toBeUndefined();
  const site = siteState(ws);
  const member = site.users.find((u) => u.id === c.wpUserId)!;
  expect(member.contactId).not.toBe(c.survivorId);
  expect(crm.contacts[member.contactId!]).toBeDefined();
  expect(member.tags.map((t) => t.name).sort()).toEqual(c.accessTags);
  await expect(row).toContainText(`#${member.contactId}`);
});
