import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** The CSV analysis screen, in the words a user would use for it. */
export class CsvAnalysisPage {
  constructor(private readonly page: Page) {}

  /** Reaches the screen from the sidebar with the keyboard only. */
  async openWithKeyboard(): Promise<void> {
    // The shortcuts work once the shell is up (after the core has answered), as for a person who sees it first.
    await expect(this.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await this.page.keyboard.press('Alt+7');
    await expect(this.heading).toBeFocused();
  }

  async openFromSidebar(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'CSV analysis' })
      .click();
    await expect(this.heading).toBeVisible();
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'CSV analysis' });
  }

  async upload(name: string, text: string): Promise<void> {
    await this.page
      .getByLabel('CSV file')
      .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  }

  /** The analysis's progress bar, named by what it is doing ("Analysing big.csv… Reading the file — 40 %"). */
  get progress(): Locator {
    return this.page.getByRole('progressbar', { name: /^Analysing / });
  }

  get howRead(): Locator {
    return this.page.getByRole('region', { name: 'How the file was read' });
  }

  /** What a column of the file is read as ("First name"), or the mapping choice offered for an unknown one. */
  columnRow(column: string): Locator {
    return this.page
      .getByRole('region', { name: 'Columns' })
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: column, exact: true }) });
  }

  async mapColumn(column: string, fieldLabel: string): Promise<void> {
    await this.page.getByLabel(`Use column “${column}” as`).selectOption({ label: fieldLabel });
  }

  async analyseAgain(): Promise<void> {
    await this.page.getByRole('button', { name: 'Analyse again with these columns' }).click();
  }

  get pairs(): Locator {
    return this.page.getByRole('table').filter({ has: this.page.locator('caption', { hasText: /^Best / }) });
  }

  /** Opens a pair by its names with the keyboard (focus the button, press Enter). */
  async openPair(names: string): Promise<Locator> {
    const button = this.pairs.getByRole('button', { name: names });
    await button.focus();
    await this.page.keyboard.press('Enter');
    const pair = this.page.getByRole('region', { name: `Pair: ${names}` });
    await expect(pair).toBeVisible();
    return pair;
  }

  async download(which: 'pairs.csv' | 'clusters.csv'): Promise<Download> {
    const waiting = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: `Download ${which}` }).click();
    return waiting;
  }
}
