import { test as base, expect } from './fixtures';
import { startKeapSandbox, type KeapSandbox } from '../../app/sandbox/keap';
import { ConnectionsPage } from './pages/connections-page';

/** The person's own Keap developer app, as the sandbox's authorize page and token endpoint know it. */
const APP = { clientId: 'mergedesk-e2e-app', clientSecret: 'e2e-app-secret-5b1c9d' };

const test = base.extend<{ crm: KeapSandbox }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  crm: async ({}, use) => {
    const sandbox = await startKeapSandbox({ contacts: 120, seed: 11, oauth: APP });
    await use(sandbox);
    await sandbox.close();
  },
});
test.use({ hostArgs: ['--no-sandbox'] });

test('signs in to Keap with the own developer app in the browser, then the connection syncs on the OAuth budget', async ({
  page,
  app,
  crm,
}) => {
  // Everything the core answers the renderer, to show the secret and the tokens never travel there.
  const answers: string[] = [];
  page.on('response', (r) => {
    if (r.url().startsWith(new URL(app.url).origin) && r.request().method() === 'POST')
      void r.text().then(
        (t) => answers.push(t),
        () => undefined,
      );
  });
  await page.goto(app.url);
  const connections = new ConnectionsPage(page);
  await connections.open();
  const consent = await connections.signInWithApp('Keap', {
    ...APP,
    baseUrl: crm.baseUrl,
    label: 'Courses Keap',
  });
  await expect(connections.signingIn('Keap').getByRole('progressbar')).toBeVisible();
  await consent.allow();
  await consent.expectAnswer('Connected');
  await consent.page.close();

  await expect(connections.notice.filter({ hasText: 'Added "Courses Keap"' })).toBeVisible();
  const card = connections.card('Courses Keap');
  await expect(card.fact('Signed in')).toContainText('OAuth2');
  await expect(card.fact('Last test')).toContainText('passed');
  await expect(card.fact('Request budget')).toContainText('1,500 a minute');
  await expect(card.fact('Request budget')).toContainText('150,000 a day');
  await expect(card.root.getByText('API key')).toHaveCount(0);

  await card.syncNow();
  await expect(card.syncFinished).toBeVisible({ timeout: 45_000 });
  const contacts = Object.keys(crm.store.data.contacts).length;
  await expect(card.fact('Cached contacts')).toHaveText(contacts.toLocaleString('en-US'));
  // A test reads what the CRM says is left of today's quota, on the OAuth client's limits.
  await card.test();
  await expect(card.testResult).toContainText('Connection works');
  await expect(card.testResult).toContainText('of 150,000 left');
  await expect(card.testResult).toContainText('Rate limit: 1,500 per minute');

  expect(answers.length).toBeGreaterThan(0);
  const seen = answers.join('\n') + (await page.content());
  expect(seen).not.toContain(APP.clientSecret);
  expect(seen).not.toMatch(/sbx-(at|rt)-/);
});

test('consent denied in the browser: the screen says so in words and nothing is connected', async ({
  page,
  app,
  crm,
}) => {
  await page.goto(app.url);
  const connections = new ConnectionsPage(page);
  await connections.open();
  const consent = await connections.signInWithApp('Keap', {
    ...APP,
    baseUrl: crm.baseUrl,
    label: 'Denied Keap',
  });
  await consent.deny();
  await consent.expectAnswer('Not connected');
  await consent.page.close();

  await expect(connections.error).toContainText("Access was denied on Keap's consent page");
  await expect(connections.signInForm('Keap')).toBeVisible();
  await expect(connections.card('Denied Keap').root).toHaveCount(0);
  // The secret was cleared from the form when it went to the core: a new try asks for it again.
  await expect(connections.signInForm('Keap').getByLabel('Client secret')).toHaveValue('');
});

test('a wrong app secret is named as such; cancelling a sign-in that waits leaves nothing behind', async ({
  page,
  app,
  crm,
}) => {
  await page.goto(app.url);
  const connections = new ConnectionsPage(page);
  await connections.open();
  const consent = await connections.signInWithApp('Keap', {
    ...APP,
    clientSecret: 'not-the-app-secret',
    baseUrl: crm.baseUrl,
    label: 'Wrong secret',
  });
  await consent.allow();
  await consent.expectAnswer('Not connected');
  await consent.page.close();
  await expect(connections.error).toContainText('Keap did not accept the app id and secret');

  const again = await connections.signInWithApp('Keap', { ...APP, baseUrl: crm.baseUrl, label: 'Never' });
  await connections.signingIn('Keap').getByRole('button', { name: 'Cancel sign-in' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sign-in cancelled' })).toBeVisible();
  // The loopback port closed with the cancel: allowing now reaches nobody.
  await again.allow();
  await expect(again.page.getByRole('heading', { name: 'Connected', exact: true })).toHaveCount(0);
  await expect(connections.card('Never').root).toHaveCount(0);
});
