import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import type { KeapSandbox } from '../../../app/sandbox/keap';
import { crmCounts, sandbox } from '../../helpers/keap';
import { tempDir } from '../../helpers/workspace';

const run = promisify(execFile);
const CLI = 'bin/mergedesk.js';

describe.skipIf(!existsSync('dist/node/cli.js'))('mergedesk CLI with Keap (built)', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function cli(ws: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    return run(process.execPath, [CLI, '--workspace', ws, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
  }

  it('connect keap, sync, contacts and status --json counts that match the CRM', async () => {
    const sb: KeapSandbox = await sandbox({ contacts: 500 });
    const ws = tempDir('md-cli-');
    cleanups.push(
      () => sb.close(),
      () => rmSync(ws, { recursive: true, force: true }),
    );

    const connected = await cli(ws, ['connect', 'keap', '--base-url', sb.baseUrl, '--label', 'CLI Keap'], {
      KEAP_API_KEY: sb.apiKey,
    });
    expect(connected.stdout).toContain('Connected "CLI Keap"');
    expect(connected.stdout + connected.stderr).not.toContain(sb.apiKey);

    const synced = await cli(ws, ['sync']);
    expect(synced.stdout).toMatch(/CLI Keap: full sync — 500 contacts/);
    expect(synced.stderr).toMatch(/CLI Keap: contacts/);

    const status = JSON.parse((await cli(ws, ['status', '--json'])).stdout) as Record<string, unknown>;
    const crm = crmCounts(sb);
    expect(status).toMatchObject({
      contacts: crm.contacts,
      tags: crm.tags,
      orders: crm.orders,
      subscriptions: crm.subscriptions,
    });

    const email = Object.values(sb.store.data.contacts)[3]!.email_addresses[0]!.email.trim();
    const found = JSON.parse((await cli(ws, ['contacts', '--search', email, '--json'])).stdout) as {
      items: { email: string }[];
    };
    expect(found.items.map((i) => i.email.trim().toLowerCase())).toContain(email.toLowerCase());

    const again = await cli(ws, ['sync', '--full']);
    expect(again.stdout).toMatch(/full sync/);
  });

  it('a wrong key exits with the auth exit code and a clear message', async () => {
    const sb = await sandbox();
    const ws = tempDir('md-cli-');
    cleanups.push(
      () => sb.close(),
      () => rmSync(ws, { recursive: true, force: true }),
    );
    const err = await cli(ws, ['connect', 'keap', '--base-url', sb.baseUrl], {
      KEAP_API_KEY: 'KeapAK-wrong-key',
    }).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 4 });
    expect((err as { stderr: string }).stderr).toContain('Keap rejected the credentials');
  });

  it('a fresh workspace gets the embedded sandbox CRM, unless --no-sandbox', async () => {
    const ws = tempDir('md-cli-');
    cleanups.push(() => rmSync(ws, { recursive: true, force: true }));
    const status = JSON.parse((await cli(ws, ['status', '--json'])).stdout) as {
      contacts: number;
      connections: { label: string; kind: string; isSandbox: boolean }[];
    };
    expect(status.contacts).toBe(2000);
    expect(status.connections).toMatchObject([
      { label: 'Sandbox Keap', kind: 'keap', isSandbox: true },
      { label: 'Sandbox WordPress', kind: 'wordpress', isSandbox: true },
    ]);
    const bare = tempDir('md-cli-');
    cleanups.push(() => rmSync(bare, { recursive: true, force: true }));
    const none = JSON.parse((await cli(bare, ['--no-sandbox', 'status', '--json'])).stdout) as {
      connections: unknown[];
    };
    expect(none.connections).toEqual([]);
  });
});
