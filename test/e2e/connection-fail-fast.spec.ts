import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test as base, expect, startHost, stopHost, type AppHost } from './fixtures';
import { ConnectionsPage } from './pages/connections-page';

/**
 * Stands between Mergedesk and the sandbox CRM on a fixed port, and can take the CRM away: `down` (nothing listens:
 * connection refused), `silent` (accepts and never answers) or `up` (relays to the CRM).
 */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private mode: 'up' | 'silent' = 'up';
  port = 0;

  constructor(private readonly target: number) {}

  async set(mode: 'up' | 'silent' | 'down'): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (mode === 'down') {
      await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
      this.server = null;
      return;
    }
    this.mode = mode;
    if (this.server) return;
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      if (this.mode === 'silent') return;
      const upstream = connect(this.target, '127.0.0.1');
      this.sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }
}

interface Crm {
  readonly baseUrl: URL;
  readonly apiKey: string;
  readonly process: ChildProcess;
}

const test = base.extend<{ keapApp: AppHost; crm: Crm }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  crm: async ({}, use) => {
    const child = spawn(process.execPath, ['bin/mergedesk.js', '--json', 'sandbox', '--contacts', '200'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const info = await new Promise<{ baseUrl: string; apiKey: string }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { baseUrl: string; apiKey: string });
      });
      child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out}`)));
    });
    await use({ baseUrl: new URL(info.baseUrl), apiKey: info.apiKey, process: child });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form for fixtures.
  keapApp: async ({}, use) => {
    const host = await startHost(['--no-sandbox']);
    await use(host);
    await stopHost(host);
  },
});

test('an unreachable saved connection fails fast on Test and Sync, a hanging test can be cancelled, and "Last test" stays current', async ({
  page,
  keapApp,
  crm,
}) => {
  const relay = new Relay(Number(crm.baseUrl.port));
  await relay.set('up');
  await page.goto(keapApp.url);
  const connections = new ConnectionsPage(page);
  await connections.open();
  const card = await connections.addKeap(
    'Office Keap',
    `http://127.0.0.1:${relay.port}${crm.baseUrl.pathname}`,
    crm.apiKey,
  );
  await expect(card.lastTest).toContainText('passed');

  // The CRM goes away: Test and Sync say so within seconds, not after ~100 s of retries.
  await relay.set('down');
  await card.test();
  await expect(card.testResult).toContainText('Test failed: Could not reach', { timeout: 5_000 });
  await expect(card.lastTest).toHaveText('failed');
  await card.syncNow();
  await expect(card.syncError).toContainText('Sync failed', { timeout: 5_000 });

  // A CRM that accepts the connection and never answers: the user stops the test.
  await relay.set('silent');
  await card.test();
  await card.cancelTest();
  await expect(card.testResult).toContainText('Test cancelled.', { timeout: 3_000 });
  await expect(card.lastTest).toHaveText('failed');

  // Back up: the next test passes and the card says so.
  await relay.set('up');
  await card.test();
  await expect(card.testResult).toContainText('Connection works');
  await expect(card.lastTest).toContainText('passed');
  await relay.set('down');
});
