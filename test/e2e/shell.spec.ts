import { test, expect } from './fixtures';

test('the shell shows every screen with its real empty state', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  for (const name of ['Connections', 'Contacts', 'Duplicates', 'History', 'Settings']) {
    await page.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  }
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByText(app.workspace)).toBeVisible();
});

test('keyboard: Alt+number moves between screens', async ({ page, app }) => {
  await page.goto(app.url);
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('heading', { level: 1, name: 'Duplicates' })).toBeVisible();
});

test('without the session token the page says how to open it', async ({ page, app }) => {
  await page.goto(app.url.replace(/#.*/, ''));
  await expect(page.getByRole('alert')).toContainText('link');
});
