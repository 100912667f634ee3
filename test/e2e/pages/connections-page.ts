import { expect, type Locator, type Page } from '@playwright/test';

/** The Connections screen and one connection's card, in the words a user would use for them. */
export class ConnectionsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connections' })
      .click();
  }

  async addKeap(label: string, baseUrl: string, apiKey: string): Promise<ConnectionCardPart> {
    await this.page.getByRole('button', { name: 'Add Keap account' }).first().click();
    const form = this.page.getByRole('form', { name: 'Add a Keap account' });
    await form.getByLabel('Keap API key').fill(apiKey);
    await form.getByLabel('API base URL').fill(baseUrl);
    await form.getByLabel('Name').fill(label);
    await form.getByRole('button', { name: 'Test and add' }).click();
    await expect(this.page.getByRole('status').filter({ hasText: `Added "${label}"` })).toBeVisible();
    return this.card(label);
  }

  card(label: string): ConnectionCardPart {
    return new ConnectionCardPart(this.page.getByRole('listitem', { name: label }));
  }
}

export class ConnectionCardPart {
  constructor(readonly root: Locator) {}

  async test(): Promise<void> {
    await this.root.getByRole('button', { name: 'Test', exact: true }).click();
  }

  async cancelTest(): Promise<void> {
    await this.root.getByRole('button', { name: 'Cancel test' }).click();
  }

  async syncNow(): Promise<void> {
    await this.root.getByRole('button', { name: 'Sync now' }).click();
  }

  /** The "Last test" fact on the card: never, passed …, or failed. */
  get lastTest(): Locator {
    return this.root.locator('dt:text-is("Last test") + dd');
  }

  get testResult(): Locator {
    return this.root.getByRole('status').filter({ hasText: /Connection works|Test failed|Test cancelled/ });
  }

  get syncError(): Locator {
    return this.root.getByRole('alert');
  }
}
