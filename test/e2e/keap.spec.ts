import { spawn, type ChildProcess } from 'node:child_process';
import { test as base, expect, startHost, stopHost, type AppHost } from './fixtures';

interface SandboxProcess {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly process: ChildProcess;
}

/** The sandbox CRM as a user would run it: `mergedesk sandbox`, a little slow so the progress is visible. */
async function startSandbox(): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    ['bin/mergedesk.js', '--json', 'sandbox', '--contacts', '3000', '--latency', '250'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const info = await new Promise<{ baseUrl: string; apiKey: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { baseUrl: string; apiKey: string });
      }
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out}`)));
  });
  return { ...info, process: child };
}

const test = base.extend<{ keapApp: AppHost; crm: SandboxProcess }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  crm: async ({}, use) => {
    const sb = await startSandbox();
    await use(sb);
    const exited = new Promise((r) => sb.process.once('exit', r));
    sb.process.kill('SIGTERM');
    await exited;
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  keapApp: async ({}, use) => {
    const host = await startHost(['--no-sandbox']);
    await use(host);
    await stopHost(host);
  },
});

test('adds a Keap connection to a sandbox, syncs it with a visible progress bar, then browses contacts', async ({
  page,
  keapApp,
  crm,
}) => {
  await page.goto(keapApp.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('button', { name: 'Add Keap account' }).first().click();
  const form = page.getByRole('form', { name: 'Add a Keap account' });
  await form.getByLabel('Keap API key').fill('KeapAK-not-the-right-key');
  await form.getByLabel('API base URL').fill(crm.baseUrl);
  await form.getByRole('button', { name: 'Test and add' }).click();
  await expect(form.getByRole('alert')).toContainText('rejected the credentials');

  await form.getByLabel('Keap API key').fill(crm.apiKey);
  await form.getByLabel('Name').fill('My Keap');
  await form.getByRole('button', { name: 'Test and add' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added "My Keap"' })).toBeVisible();
  const card = page.getByRole('listitem', { name: 'My Keap' });
  await expect(card).toContainText('Sandbox Keap app');
  await expect(card).toContainText(`ends …${crm.apiKey.slice(-4)}`);
  await expect(page.locator('body')).not.toContainText(crm.apiKey);

  await card.getByRole('button', { name: 'Sync now' }).click();
  const bar = card.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect(card).toContainText(/Contacts: [\d,]+/);
  await expect(card.getByText('Sync finished.')).toBeVisible({ timeout: 30_000 });
  await expect(card).toContainText('3,000');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByText('3,000 cached')).toBeVisible();
  const list = page.getByRole('listbox', { name: 'Contacts' });
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('article')).toBeVisible();
  await expect(page.getByRole('article')).toContainText('Keap #');
  await expect(page.getByRole('article').getByText('Raw CRM fields')).toBeVisible();

  await page.getByRole('searchbox', { name: 'Search contacts' }).fill('gmail.com');
  await expect(page.getByText(/[\d,]+ matching/)).toBeVisible();
});
