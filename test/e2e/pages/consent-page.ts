import { expect, type Page } from '@playwright/test';

/**
 * The CRM's consent page as the system browser shows it (the Keap sandbox serves Keap's): Allow or Deny, then the
 * browser follows the redirect back to Mergedesk on 127.0.0.1, which says whether the account is connected.
 */
export class ConsentPage {
  constructor(readonly page: Page) {}

  async allow(): Promise<void> {
    await this.page.getByRole('button', { name: 'Allow' }).click();
  }

  async deny(): Promise<void> {
    await this.page.getByRole('button', { name: 'Deny' }).click();
  }

  /** The page the loopback redirect lands on: "Connected" or "Not connected". */
  async expectAnswer(title: 'Connected' | 'Not connected'): Promise<void> {
    await expect(this.page.getByRole('heading', { level: 1, name: title, exact: true })).toBeVisible();
    expect(new URL(this.page.url()).hostname).toBe('127.0.0.1');
  }
}
