import { expect, type Locator, type Page } from '@playwright/test';

/** One group's review: the conflict notice, the grid, the actions and the merge plan. */
export class Review {
  readonly root: Locator;
  readonly plan: Locator;

  constructor(
    readonly page: Page,
    groupId?: number,
  ) {
    this.root = groupId
      ? page.getByRole('region', { name: `Review group ${groupId}` })
      : page.getByRole('region', { name: /^Review group / });
    this.plan = page.getByRole('dialog', { name: 'Merge plan' });
  }

  get twoPeople(): Locator {
    return this.root.getByRole('group', { name: 'Maybe two people' });
  }

  get grid(): Locator {
    return this.root.getByRole('table').first();
  }

  button(name: string | RegExp): Locator {
    return this.root.getByRole('button', { name });
  }

  async openPlan(): Promise<void> {
    await this.button('Merge…').click();
    await expect(this.plan).toBeVisible();
    await expect(this.plan.getByRole('button', { name: 'Run merge' })).toBeVisible();
  }

  get runButton(): Locator {
    return this.plan.getByRole('button', { name: 'Run merge' });
  }

  /** Ticks every confirmation in the plan except those whose text matches `except`. */
  async confirmGuards(except?: RegExp): Promise<void> {
    for (const box of await this.plan.getByRole('checkbox').all()) {
      const text = (await box.locator('xpath=..').textContent()) ?? '';
      if (except && except.test(text)) continue;
      await box.check();
    }
  }
}
