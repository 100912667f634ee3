import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect } from './fixtures';
import { readCache } from './sandbox-host';
import { startActiveCampaignSandbox, type AcSandbox, type AcState } from '../../app/sandbox/activecampaign';
import { ConnectionsPage } from './pages/connections-page';
import { Queue } from './pages/queue';

const test = base.extend<{ account: AcSandbox }>({
  // An ActiveCampaign account of the person's own, as far as Mergedesk can tell: its URL and an API key.
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  account: async ({}, use) => {
    const sandbox = await startActiveCampaignSandbox({ people: 30, seed: 5 });
    await use(sandbox);
    await sandbox.close();
  },
});
test.use({ hostArgs: ['--no-sandbox'] });

test('adds the ActiveCampaign sandbox from the screen: it syncs with its site, its contacts and duplicates appear', async ({
  page,
  app,
}) => {
  test.setTimeout(120_000);
  await page.goto(app.url);
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.addSandbox('ActiveCampaign');

  const card = connections.card('Sandbox ActiveCampaign');
  await expect(card.root.getByText('sandbox', { exact: true })).toBeVisible();
  await expect(card.syncFinished).toBeVisible({ timeout: 90_000 });
  const state = JSON.parse(
    readFileSync(join(app.workspace, 'sandbox', 'activecampaign', 'activecampaign.json'), 'utf8'),
  ) as AcState;
  const records = Object.keys(state.contacts).length;
  await expect(card.fact('Cached contacts')).toHaveText(records.toLocaleString('en-US'));
  // The linked site is listed with the sandbox and its members are synced after the CRM.
  await expect(page.getByText('Sandbox WordPress for ActiveCampaign').first()).toBeVisible();
  await expect
    .poll(
      () =>
        readCache(app.workspace, (db) => db.prepare('SELECT count(*) FROM wp_users').pluck().get() as number),
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(state.wordpress.members.length);

  // A labelled duplicate: both of its records are in Contacts under the person's name.
  const cluster = state.truth.clusters.find((c) => c.kind === 'plus_alias') ?? state.truth.clusters[0]!;
  const person = state.contacts[cluster.ids[0]!]!;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('searchbox', { name: 'Search contacts' }).fill(person.lastName);
  const matches = page.getByRole('listbox', { name: 'Contacts' }).getByRole('option');
  await expect(matches.filter({ hasText: person.firstName }).nth(cluster.ids.length - 1)).toBeVisible();

  // The scan that follows the sync puts the account's duplicates in the queue.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Duplicates' }).click();
  const queue = new Queue(page);
  await expect(queue.rows().first()).toBeVisible({ timeout: 30_000 });
  await page.getByRole('searchbox').first().fill(person.lastName);
  await expect(queue.rows().filter({ hasText: person.lastName }).first()).toBeVisible();
});

test('an ActiveCampaign account: added with its URL and key (never shown again), tested, renamed, removed', async ({
  page,
  app,
  account,
}) => {
  await page.goto(app.url);
  const connections = new ConnectionsPage(page);
  await connections.open();
  await page.getByRole('button', { name: 'Add ActiveCampaign account' }).first().click();
  const form = page.getByRole('form', { name: 'Add an ActiveCampaign account' });
  await form.getByLabel('ActiveCampaign API key').fill(account.apiKey);
  await form.getByLabel('API base URL').fill(account.baseUrl);
  await form.getByLabel('Name').fill('Studio AC');
  await form.getByRole('button', { name: 'Test and add' }).click();
  await expect(connections.notice.filter({ hasText: 'Added "Studio AC"' })).toBeVisible();

  const card = connections.card('Studio AC');
  await expect(card.fact('API key')).toHaveText(`stored (ends …${account.apiKey.slice(-4)})`);
  expect(await page.content()).not.toContain(account.apiKey);
  await card.test();
  await expect(card.testResult).toContainText('Connection works');

  await card.root.getByRole('button', { name: 'Edit' }).click();
  const edit = card.root.getByRole('form', { name: 'Edit Studio AC' });
  await expect(edit.getByLabel(/New API key/)).toHaveValue('');
  await edit.getByLabel('Name').fill('Studio ActiveCampaign');
  await edit.getByRole('button', { name: 'Save' }).click();
  const renamed = connections.card('Studio ActiveCampaign');
  await expect(renamed.root).toBeVisible();

  await renamed.root.getByRole('button', { name: 'Remove' }).click();
  await renamed.root.getByRole('button', { name: 'Remove connection' }).click();
  await expect(renamed.root).toHaveCount(0);
  await expect(page.getByText('No CRM or WordPress site connected yet')).toBeVisible();
});
