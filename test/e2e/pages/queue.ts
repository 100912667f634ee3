import { expect, type Locator, type Page } from '@playwright/test';

/** The Duplicates queue: lane tabs, filters, the list of groups and the batch merge panel. */
export class Queue {
  readonly list: Locator;
  readonly batch: Locator;

  constructor(readonly page: Page) {
    this.list = page.getByRole('listbox', { name: 'Duplicate groups' });
    this.batch = page.getByRole('region', { name: 'Batch merge' });
  }

  lane(name: RegExp | string): Locator {
    return this.page.getByRole('tablist', { name: 'Lanes' }).getByRole('tab', { name });
  }

  async openLane(name: RegExp | string): Promise<void> {
    await this.lane(name).click();
    await expect(this.lane(name)).toHaveAttribute('aria-selected', 'true');
    await expect(this.rows().first()).toBeVisible();
  }

  /** The count a lane tab shows, e.g. 95 for "Safe (95)". */
  async laneCount(name: RegExp | string): Promise<number> {
    const text = (await this.lane(name).textContent()) ?? '';
    const m = /\(([\d,.\s]+)\)/.exec(text);
    if (!m) throw new Error(`no count on the tab: ${text}`);
    return Number(m[1]!.replace(/\D/g, ''));
  }

  rows(): Locator {
    return this.list.getByRole('option');
  }

  /** Group ids of the first `n` rows as listed. */
  async firstGroupIds(n: number): Promise<number[]> {
    await expect(this.rows().nth(n - 1)).toBeVisible();
    const ids = await this.rows().evaluateAll((els) => els.map((e) => Number(e.id.replace('group-', ''))));
    return ids.slice(0, n);
  }

  async tick(groupId: number): Promise<void> {
    await this.page.getByRole('checkbox', { name: `Select group ${groupId} for a batch merge` }).check();
  }

  async openGroup(groupId: number): Promise<void> {
    await this.list.locator(`#group-${groupId}`).click();
  }
}

/** The batch merge panel: start, progress, pause, resume, stop and the summary. */
export class BatchPanel {
  readonly progress: Locator;
  readonly summary: Locator;

  constructor(
    readonly page: Page,
    readonly root: Locator,
  ) {
    this.progress = root.getByRole('progressbar', { name: 'Batch progress' });
    this.summary = root.getByRole('region', { name: 'Batch summary' });
  }

  async start(label: RegExp): Promise<void> {
    await this.root.getByRole('button', { name: label }).click();
    await this.root.getByRole('button', { name: /^Start:/ }).click();
  }

  async pause(): Promise<void> {
    await this.root.getByRole('button', { name: 'Pause' }).click();
    await expect(this.root.getByRole('status')).toContainText('paused');
  }

  async resume(): Promise<void> {
    await this.root.getByRole('button', { name: 'Resume' }).click();
  }

  async stop(): Promise<void> {
    await this.root.getByRole('button', { name: 'Stop' }).click();
  }

  summaryRow(outcome: 'merged' | 'skipped' | 'failed' | 'interrupted'): Locator {
    return this.summary.locator(`tr[data-outcome="${outcome}"]`);
  }

  /** How many groups the summary's heading says were merged ("Batch stopped: 2 groups merged, …"). */
  async mergedInSummary(): Promise<number> {
    const heading = (await this.summary.getByRole('heading').textContent()) ?? '';
    return Number(/([\d,]+) groups? merged/.exec(heading)?.[1]?.replace(/,/g, '') ?? Number.NaN);
  }
}

/** The notification area: toasts with their Undo buttons. */
export class Toasts {
  readonly root: Locator;
  constructor(readonly page: Page) {
    this.root = page.getByRole('region', { name: 'Notifications' });
  }
  toast(text: string | RegExp): Locator {
    return this.root.getByRole('status').filter({ hasText: text });
  }
}

/** The queue's filters. */
export class QueueFilters {
  constructor(readonly page: Page) {}
  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search' }).fill(text);
  }
  async tag(text: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Tag' }).fill(text);
  }
  async minScore(label: string): Promise<void> {
    await this.page.getByLabel('Min score').selectOption({ label });
  }
}
