import { expect, type Locator, type Page } from '@playwright/test';

/** The Overview: members at risk by kind, the lanes, the score chart and what merges fixed. */
export class OverviewPage {
  readonly heading: Locator;
  readonly chart: Locator;
  readonly fixed: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Overview' });
    this.chart = page.getByRole('img', { name: 'Score distribution per lane' });
    this.fixed = page.getByRole('status', { name: 'Fixed by merges' });
  }

  list(title: 'Split access' | 'Linked to a contact the CRM no longer has' | 'Two logins'): Locator {
    return this.page.getByRole('region', { name: title });
  }

  members(title: Parameters<OverviewPage['list']>[0]): Locator {
    return this.list(title)
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell') });
  }

  async laneCount(label: string): Promise<number> {
    const text = await this.page.getByRole('list', { name: 'Lane counts' }).getByText(label).textContent();
    return Number((text ?? '').replace(/\D/g, ''));
  }

  async expectShown(): Promise<void> {
    await expect(this.heading).toBeVisible();
    await expect(this.chart).toBeVisible();
  }
}
