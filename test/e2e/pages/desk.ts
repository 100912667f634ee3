import { expect, type Locator, type Page } from '@playwright/test';

/** The app shell: the sidebar, the screens and the shortcut overlay. */
export class Desk {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  }

  async goTo(screen: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: screen })).toBeVisible();
  }

  /** Follows a bookmark or a link typed into the address bar. */
  async visit(hash: string): Promise<void> {
    await this.page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
  }

  async showShortcuts(): Promise<Locator> {
    await this.page.keyboard.press('?');
    const dialog = this.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    return dialog;
  }
}
