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

  async makeSurvivor(contactId: string): Promise<void> {
    const first = this.root.getByRole('columnheader').nth(1);
    if (((await first.textContent()) ?? '').includes(`#${contactId}`)) return;
    await this.button(`Make #${contactId} the survivor`).click();
    await expect(first).toContainText(`#${contactId}`);
  }

  /** Each record's lists (with status) and automations, read from the CRM. */
  get memberships(): Locator {
    return this.root.getByRole('region', { name: 'Lists and automations' });
  }

  /** The row of one record in the memberships table, by the record's name. */
  membershipsOf(recordName: string | RegExp): Locator {
    return this.memberships.getByRole('row', { name: recordName });
  }

  /** The checkbox of one of the CRM's automations, by its name. */
  automation(name: string): Locator {
    return this.root
      .getByRole('group', { name: 'Automations the survivor joins' })
      .getByRole('checkbox', { name: new RegExp(`^${name}\\b`) });
  }

  get sequences(): Locator {
    return this.root.getByRole('region', { name: 'Sequences' });
  }

  /** Narrows the CRM's sequences by what a person types, then ticks the one called `name`. */
  async pickSequence(search: string, name: string): Promise<void> {
    await this.sequences.getByLabel('Find a sequence').fill(search);
    const box = this.sequence(name);
    await box.focus();
    await this.page.keyboard.press('Space');
    await expect(box).toBeChecked();
  }

  sequence(name: string): Locator {
    return this.sequences
      .getByRole('group', { name: 'Campaign sequences' })
      .getByRole('checkbox', { name: new RegExp(`^${name}\\b`) });
  }

  /** The plan's step-by-step preview as text. */
  async planText(): Promise<string> {
    return (await this.plan.textContent()) ?? '';
  }

  /** Runs the plan and waits for the result that stays in view. */
  async runMerge(survivorId: string): Promise<void> {
    await this.runButton.click();
    // "Merged into Ann Lee (#101)": the name with the id beside it.
    await expect(this.page.getByRole('heading', { name: /^Merged into / })).toContainText(
      `(#${survivorId})`,
      {
        timeout: 60_000,
      },
    );
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
