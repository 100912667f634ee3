import { expect, type Locator, type Page } from '@playwright/test';

/** The Settings screen: detection and merge settings, and the question asked before unsaved edits are dropped. */
export class SettingsPage {
  readonly unsavedDialog: Locator;

  constructor(readonly page: Page) {
    this.unsavedDialog = page.getByRole('alertdialog', { name: 'Discard unsaved changes?' });
  }

  async open(): Promise<void> {
    await this.goTo('Settings');
    await expect(this.matchThreshold).toBeVisible();
  }

  /** Follows a link of the main navigation. */
  async goTo(screen: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
  }

  get matchThreshold(): Locator {
    return this.page.getByLabel(/^Match threshold/);
  }

  /** The threshold as its label says it: "85%". */
  async matchThresholdText(): Promise<string> {
    const label = await this.page.locator('label', { has: this.matchThreshold }).textContent();
    return /(\d+%)/.exec(label ?? '')?.[1] ?? '';
  }

  async setMatchThreshold(value: number): Promise<void> {
    await this.matchThreshold.fill(String(value));
  }

  async saveDetection(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save detection settings' }).click();
    await expect(this.page.getByText('Saved. The next scan uses them.')).toBeVisible();
  }

  get optOutWins(): Locator {
    return this.page.getByLabel('Opt-out wins');
  }

  async discard(): Promise<void> {
    await this.unsavedDialog.getByRole('button', { name: 'Discard' }).click();
    await expect(this.unsavedDialog).toBeHidden();
  }

  async keepEditing(): Promise<void> {
    await this.unsavedDialog.getByRole('button', { name: 'Keep editing' }).click();
    await expect(this.unsavedDialog).toBeHidden();
  }

  /** The screen now on view, by its heading. */
  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }
}
