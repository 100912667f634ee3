import { expect, type Locator, type Page } from '@playwright/test';

/** One merge run in History: its title, status and the journaled steps in words. */
export class HistoryRun {
  readonly steps: Locator;
  readonly title: Locator;

  constructor(readonly page: Page) {
    this.steps = page.locator('.step-list li');
    this.title = page.getByRole('heading', { level: 2, name: /^Merge of / });
  }

  /** Follows the link the merge result leaves in view. */
  async openFromResult(): Promise<void> {
    await this.page.getByRole('link', { name: 'See the run in History' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
    await expect(this.title).toBeVisible();
  }

  async stepStatuses(): Promise<(string | null)[]> {
    await expect(this.steps.first()).toBeVisible();
    return this.steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  }

  async stepsText(): Promise<string> {
    return (await this.steps.allTextContents()).join('\n');
  }
}
