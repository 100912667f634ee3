import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { startWordPressSandbox, type WordPressSandbox } from '../../app/sandbox/wordpress';
import type { WordPressSeed } from '../../app/sandbox/types';

const seed = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'wordpress', 'fixture-seed.json'), 'utf8'),
) as WordPressSeed;

let sandbox: WordPressSandbox;
let stateDir: string;

test.beforeEach(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'md-e2e-wp-'));
  sandbox = await startWordPressSandbox({ stateDir, seed });
});
test.afterEach(async () => {
  await sandbox.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function fillForm(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  await page.getByRole('button', { name: 'Add WordPress site' }).click();
  const form = page.getByRole('form', { name: 'Connect a WordPress site' });
  await form.getByLabel('Site address').fill(sandbox.baseUrl);
  await form.getByLabel('Username').fill(sandbox.username);
  await form.getByLabel('Application Password').fill(sandbox.appPassword);
  return form;
}

test('connects a WordPress site, syncs members and shows a member’s linked contact id', async ({
  page,
  app,
}) => {
  await page.goto(app.url);
  const form = await fillForm(page);
  await form.getByRole('button', { name: 'Test' }).click();
  const result = page.getByRole('status', { name: 'Connection test result' });
  await expect(result).toContainText('Active, version 1.0.0');
  await expect(result).toContainText('AccessAlly');
  await form.getByRole('button', { name: 'Save connection' }).click();

  const site = page.getByRole('listitem', { name: /WordPress site 127\.0\.0\.1/ });
  await expect(site).toBeVisible();
  await site.getByRole('button', { name: 'Sync members' }).click();
  const members = site.getByRole('region', { name: 'WordPress members' });
  await expect(members.getByText(`· ${seed.members.length + 2} members`)).toBeVisible();

  await members.getByLabel('Search members').fill('twin.one');
  const row = members.getByRole('row', { name: /twin\.one/ });
  await expect(row).toContainText('2001');
  await expect(row).toContainText('Course A Access');

  // The contact's panel: both users linked to it, their tags, and the AccessAlly orders keyed by it.
  await row.getByRole('button', { name: 'Users and orders of contact 2001' }).click();
  const panel = members.getByRole('region', { name: 'Linked WordPress users' });
  await expect(panel).toContainText('2 users point at this contact');
  await expect(panel).toContainText('twin.two');
  await expect(panel.getByRole('list', { name: 'AccessAlly tags of twin.one' })).toContainText(
    'Course B Access',
  );
  await expect(panel).toContainText('Order 5005: Bundle (paid)');
  await expect(panel).toContainText('Subscription 7002: Membership yearly (active)');

  await members.getByRole('radio', { name: 'Unlinked' }).click();
  await members.getByLabel('Search members').fill('');
  await expect(members.getByRole('row', { name: /nolink/ })).toBeVisible();
  await expect(members.getByRole('row', { name: /twin\.one/ })).toHaveCount(0);

  // Relink from the list, then the site itself carries the new link.
  await members.getByRole('button', { name: 'Change the contact of nolink' }).click();
  await members.getByLabel('New contact id for nolink').fill('1005');
  await members.getByRole('button', { name: 'Save' }).click();
  await expect(members.getByRole('row', { name: /nolink/ })).toHaveCount(0);
  expect(sandbox.snapshot().users.find((u) => u.login === 'nolink')?.contactId).toBe('1005');
});

test('without the plugin, the test says how to install it and offers the zip', async ({ page, app }) => {
  sandbox.setBridgeActive(false);
  await page.goto(app.url);
  const form = await fillForm(page);
  await form.getByRole('button', { name: 'Test' }).click();
  const help = page.getByRole('region', { name: 'Install the Mergedesk Bridge plugin' });
  await expect(help).toContainText('Upload Plugin');
  const download = page.waitForEvent('download');
  await help.getByRole('button', { name: /Download mergedesk-bridge\.zip/ }).click();
  expect((await download).suggestedFilename()).toBe('mergedesk-bridge.zip');
});
