import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, startHost, stopHost } from './fixtures';
import { openDatabase } from '../../app/store/database';
import { ContactsRepo } from '../../app/store/contacts-repo';
import type { CrmContact } from '../../app/ports/crm';

const person = (id: string, given: string, family: string, email: string, phone?: string): CrmContact => ({
  id,
  givenName: given,
  familyName: family,
  emails: [{ slot: 'EMAIL1', email }],
  phones: phone ? [{ slot: 'PHONE1', number: phone }] : [],
  addresses: [],
  tagIds: [],
  updatedAt: '2026-01-01T00:00:00.000Z',
  raw: { id },
});

function seededWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'md-e2e-detect-'));
  const db = openDatabase(join(dir, 'mergedesk.db'));
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('k', 'keap', 'Keap', 'http://127.0.0.1', ?)`,
  ).run(new Date().toISOString());
  new ContactsRepo(db, 'k').saveContacts(
    [
      person('1', 'William', 'Turner', 'wturner@example.com', '415-555-0101'),
      person('2', 'Bill', 'Turner', 'wturner@example.com', '(415) 555 0101'),
      person('3', 'Grace', 'Hopper', 'grace.hopper@gmail.com'),
      person('4', 'Grace', 'Hopper', 'gracehopper@gmail.com'),
      person('5', 'Alan', 'Kay', 'alan@example.org'),
    ],
    '2026-01-01T00:00:00.000Z',
  );
  db.close();
  return dir;
}

test('scan, review the queue, open a group and dismiss it as not a duplicate', async ({ page }) => {
  const workspace = seededWorkspace();
  const host = await startHost(['--workspace', workspace]);
  try {
    await page.goto(host.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Duplicates' }).click();
    await page.getByRole('button', { name: 'Scan for duplicates' }).click();
    const list = page.getByRole('listbox', { name: 'Duplicate groups' });
    await expect(list.getByRole('option')).toHaveCount(2);
    await expect(list).toContainText('nickname Bill/William');

    // Keyboard: move to the first group and open it.
    await list.focus();
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#\/duplicates\/\d+/);
    const evidence = page.getByRole('region', { name: 'Evidence' });
    await expect(evidence).toBeVisible();
    await expect(evidence.getByRole('cell', { name: 'email', exact: true }).first()).toBeVisible();

    const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    expect(heading).toMatch(/Duplicate group \d+/);
    await page.getByRole('button', { name: 'Not a duplicate' }).click();
    // The next group opens beside the queue, which now lists only that one.
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText(heading);
    await expect(page).toHaveURL(/#\/duplicates\/\d+$/);
    await expect(page.getByRole('listbox', { name: 'Duplicate groups' }).getByRole('option')).toHaveCount(1);
  } finally {
    await stopHost(host);
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('detection settings show a live lane preview', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Duplicate detection' })).toBeVisible();
  await expect(page.getByText(/At these settings: 0 groups/)).toBeVisible();
});
