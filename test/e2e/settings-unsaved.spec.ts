import { test, expect } from './fixtures';
import { SettingsPage } from './pages/settings-page';

test.use({ hostArgs: ['--no-sandbox'] });

test('unsaved detection settings ask "Discard / Keep editing" before a link, Alt+number or Back drops them', async ({
  page,
  app,
}) => {
  await page.goto(app.url);
  const settings = new SettingsPage(page);
  await settings.open();
  const stored = await settings.matchThresholdText();
  const edited = stored === '90%' ? 0.8 : 0.9;
  await settings.setMatchThreshold(edited);
  await expect(page.getByText(`Match threshold: ${Math.round(edited * 100)}%`)).toBeVisible();

  // A link of the navigation: asked first, and Keep editing stays with the edit.
  await settings.goTo('Contacts');
  await expect(settings.unsavedDialog).toBeVisible();
  await expect(settings.unsavedDialog).toContainText('Your changes to the detection settings are not saved');
  await expect(settings.heading('Settings')).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/settings');
  await settings.keepEditing();
  expect(await settings.matchThresholdText()).toBe(`${Math.round(edited * 100)}%`);

  // The Alt+number shortcut: asked too; Esc is Keep editing.
  await page.keyboard.press('Alt+3');
  await expect(settings.unsavedDialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(settings.unsavedDialog).toBeHidden();
  await expect(settings.heading('Settings')).toBeVisible();

  // Back in the browser: the same question, the screen stays until it is answered.
  await page.goBack();
  await expect(settings.unsavedDialog).toBeVisible();
  await expect(settings.heading('Settings')).toBeVisible();
  await settings.keepEditing();

  // Discard goes where the person asked and drops the edit.
  await page.keyboard.press('Alt+3');
  await settings.discard();
  await expect(settings.heading('Contacts')).toBeVisible();
  await settings.open();
  expect(await settings.matchThresholdText()).toBe(stored);

  // Saved edits leave without a question.
  await settings.setMatchThreshold(edited);
  await settings.saveDetection();
  await settings.goTo('Contacts');
  await expect(settings.heading('Contacts')).toBeVisible();
  await expect(settings.unsavedDialog).toBeHidden();
});

test('unsaved merge settings ask too, and closing the tab gets the browser\'s "leave site?" prompt', async ({
  page,
  app,
}) => {
  await page.goto(app.url);
  const settings = new SettingsPage(page);
  await settings.open();
  await expect(settings.optOutWins).toBeVisible();
  await settings.optOutWins.click();

  await settings.goTo('Duplicates');
  await expect(settings.unsavedDialog).toContainText('the merge settings');
  await settings.keepEditing();

  const prompts: string[] = [];
  page.on('dialog', (dialog) => {
    prompts.push(dialog.type());
    void dialog.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => prompts).toEqual(['beforeunload']);
  // Dismissed, the prompt keeps the tab with the edit in it.
  expect(page.isClosed()).toBe(false);
  await expect(settings.heading('Settings')).toBeVisible();

  // Once the edit is undone nothing is asked.
  await settings.optOutWins.click();
  await settings.goTo('Duplicates');
  await expect(settings.heading('Duplicates')).toBeVisible();
});
