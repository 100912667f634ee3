import { expect, type Locator, type Page } from '@playwright/test';

/** The Connections screen's sync buttons for a CRM and its WordPress site, waiting until each sync has finished. */
export class ConnectionSync {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connections' })
      .click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  }

  private crmCard(label: string): Locator {
    return this.page.getByRole('listitem', { name: label, exact: true });
  }

  /** "Sync now" on a CRM's card, then waits for its cached contacts and last sync to appear. */
  async syncCrm(label: string): Promise<void> {
    const card = this.crmCard(label);
    await card.getByRole('button', { name: 'Sync now' }).click();
    await expect(card.locator('dt:text-is("Last sync") + dd')).not.toHaveText('never', { timeout: 60_000 });
    await expect(card.locator('dt:text-is("Cached contacts") + dd')).not.toHaveText('0');
  }

  /** "Sync members" on a WordPress site, then waits until the site says when it last synced. */
  async syncSite(label: string): Promise<void> {
    const site = this.page.getByRole('listitem', { name: `WordPress site ${label}` });
    await site.getByRole('button', { name: 'Sync members' }).click();
    await expect(site.getByText(/^Last sync: /)).not.toHaveText('Last sync: never', { timeout: 60_000 });
    await expect(site.getByRole('button', { name: 'Sync members' })).toBeEnabled();
  }
}

/** The Duplicates screen's scan, waiting for its summary. */
export class DuplicateScan {
  constructor(readonly page: Page) {}

  async run(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Duplicates' })
      .click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Duplicates' })).toBeVisible();
    await this.page.getByRole('button', { name: 'Scan for duplicates' }).click();
    await expect(this.page.getByText(/^Last scan: .* groups? in /)).toBeVisible({ timeout: 60_000 });
  }
}
