import { join } from 'node:path';
import { test, expect } from './fixtures';
import { openDatabase } from '../../app/store/database';
import { seedCache, seedRemotes } from '../helpers/merge-world';

// These tests seed their own cache: no embedded sandbox syncing alongside.
test.use({ hostArgs: ['--no-sandbox'] });

async function seed(workspace: string): Promise<number> {
  const db = openDatabase(join(workspace, 'mergedesk.db'));
  try {
    const remotes = seedRemotes();
    return await seedCache(db, remotes.crm, remotes.wp, ['101', '102', '103']);
  } finally {
    db.close();
  }
}

test('side-by-side review: survivor, picks, tags, WordPress, access preview, plan preview', async ({
  page,
  app,
}) => {
  const groupId = await seed(app.workspace);
  await page.goto(app.url);
  await page.evaluate(`window.location.hash = "#/duplicates/${groupId}"`);
  const review = page.getByRole('region', { name: `Review group ${groupId}` });
  await expect(review).toBeVisible();
  await expect(page.getByRole('columnheader').nth(1)).toContainText('Survivor');
  await expect(page.getByText('Tags the survivor ends with')).toBeVisible();
  await expect(page.getByRole('radio', { name: /annlee/ })).toBeChecked();
  await expect(page.getByText('Gained by the survivor')).toBeVisible();

  // Keyboard: 2 makes the second record the survivor.
  const second = (await page.getByRole('columnheader').nth(2).textContent()) ?? '';
  const id = /#(\d+)/.exec(second)?.[1];
  await page.getByRole('main').focus();
  await page.keyboard.press('2');
  await expect(page.getByRole('columnheader').nth(1)).toContainText(`#${id}`);

  // M opens the plan: every step in order, and what cannot be undone.
  await page.keyboard.press('m');
  const dialog = page.getByRole('dialog', { name: 'Merge plan' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('CRM merge 1/2')).toBeVisible();
  await expect(dialog.getByText('What cannot be undone')).toBeVisible();
  await dialog.getByRole('button', { name: 'Record dry run' }).click();
  await expect(dialog.getByRole('status')).toContainText('Dry run recorded');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('cell', { name: 'dry run' })).toBeVisible();
});

test('not a duplicate dismisses the group; merge settings save', async ({ page, app }) => {
  const groupId = await seed(app.workspace);
  await page.goto(app.url);
  await page.evaluate(`window.location.hash = "#/duplicates/${groupId}"`);
  await expect(page.getByRole('region', { name: `Review group ${groupId}` })).toBeVisible();
  await page.getByRole('button', { name: 'Not a duplicate' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Duplicates' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Survivor', { exact: true }).selectOption('oldest');
  await page.getByRole('button', { name: 'Save merge settings' }).click();
  await expect(page.getByText('Saved. New reviews use these rules.')).toBeVisible();
});
