import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startWordPressSandbox, type WordPressSandbox } from '../../../app/sandbox/wordpress';
import { tempCore, tempDir } from '../../helpers/workspace';
import { contractSeed } from '../../wordpress/connector-contract';
import { ContactsRepo } from '../../../app/store/contacts-repo';
import { WordPressConnector } from '../../../app/connectors/wordpress/client';
import { syncWordPress } from '../../../app/sync/wordpress-sync';
import type { CoreEvent } from '../../../app/api/contract';

let sandbox: WordPressSandbox;
let core: ReturnType<typeof tempCore>;
let dir: string;
const TOTAL_USERS = contractSeed.members.length + 2;

beforeEach(async () => {
  dir = tempDir('md-wpf-');
  sandbox = await startWordPressSandbox({ stateDir: dir, seed: contractSeed });
  core = tempCore();
});
afterEach(async () => {
  core.dispose();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const creds = () => ({ url: sandbox.baseUrl, username: sandbox.username, appPassword: sandbox.appPassword });

function addKeapWithContacts(ids: readonly string[]) {
  const db = core.context.workspace.db;
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('keap-1', 'keap', 'Keap', 'https://api.infusionsoft.com', '2026-01-01')`,
  ).run();
  new ContactsRepo(db, 'keap-1').saveContacts(
    ids.map((id) => ({
      id,
      givenName: `Given${id}`,
      familyName: 'Family',
      emails: [{ slot: 'EMAIL1', email: `c${id}@example.test` }],
      phones: [],
      addresses: [],
      tagIds: [],
      raw: { id },
    })),
    '2026-11-30T00:00:00Z',
  );
}

describe('WordPress connections, sync and cache queries', () => {
  it('tests, adds (password only in the secret store), syncs and lists members with orphan/unlinked filters', async () => {
    const test = await core.call('wordpress/test', creds());
    expect(test).toMatchObject({ ok: true, authOk: true, pluginInstalled: true, userCount: TOTAL_USERS });
    expect(test.site?.linkSource).toBe('accessally');

    const { connection } = await core.call('wordpress/add', { ...creds(), label: 'Members site' });
    expect(connection).toMatchObject({
      kind: 'wordpress',
      label: 'Members site',
      baseUrl: sandbox.baseUrl,
      lastTestOk: true,
    });
    expect(JSON.stringify(connection)).not.toContain(sandbox.appPassword.replace(/ /g, ''));
    const dbBytes = readFileSync(join(core.context.workspace.dir, 'mergedesk.db'));
    expect(dbBytes.includes(Buffer.from(sandbox.appPassword.replace(/ /g, '')))).toBe(false);
    await expect(core.call('wordpress/add', creds())).rejects.toMatchObject({ code: 'CONFLICT' });

    const progress: string[] = [];
    const finished: string[] = [];
    core.events.subscribe((e: CoreEvent) => {
      if (e.name === 'sync/progress') progress.push((e as CoreEvent<'sync/progress'>).payload.resource);
      if (e.name === 'sync/finished') finished.push((e as CoreEvent<'sync/finished'>).payload.status);
    });
    const sync = await core.call('wordpress/sync', { connectionId: connection.id });
    expect(sync.members).toMatchObject({ fetched: TOTAL_USERS, total: TOTAL_USERS, removed: 0 });
    expect(sync.orders.fetched).toBe(contractSeed.orders.length);
    expect(progress).toContain('wp_users');
    expect(progress).toContain('wp_orders');
    expect(finished).toEqual(['completed']);
    expect((await core.call('workspace/status', {})).wp_users).toBe(TOTAL_USERS);

    const unlinked = await core.call('wordpress/members', { filter: 'unlinked' });
    expect(unlinked.items.map((m) => m.login).sort()).toEqual(['admin', 'no-access', 'nolink']);
    const noCrm = await core.call('wordpress/members', { filter: 'orphans' });
    expect(noCrm).toMatchObject({ orphanCheck: false, total: 0 });

    const contactIds = [...new Set(contractSeed.members.map((m) => m.linkedContactId))].filter(
      (id): id is string => id !== null && id !== '9999',
    );
    addKeapWithContacts([...contactIds, '3005']);
    const orphans = await core.call('wordpress/members', { filter: 'orphans' });
    expect(orphans.orphanCheck).toBe(true);
    expect(orphans.items.map((m) => [m.login, m.linkedContactId, m.contactStatus])).toEqual([
      ['orphaned', '9999', 'orphan'],
    ]);
    const linked = await core.call('wordpress/members', { filter: 'linked', perPage: 500 });
    expect(linked.total).toBe(contractSeed.members.length - 2);
    expect(linked.items.find((m) => m.login === 'ada1')).toMatchObject({
      contactStatus: 'linked',
      contactName: 'Given1001 Family',
    });
    const page2 = await core.call('wordpress/members', { page: 2, perPage: 10 });
    expect(page2.items).toHaveLength(10);
    expect(page2.total).toBe(TOTAL_USERS);
    const search = await core.call('wordpress/members', { search: 'TWIN' });
    expect(search.items.map((m) => m.login)).toEqual(['twin.one', 'twin.two']);

    const without = await core.call('wordpress/contactsWithoutUser', {});
    expect(without.items.map((c) => c.crmId)).toEqual(['3005']);
    expect(without.items[0]?.email).toBe('c3005@example.test');

    // The panel may be given the CRM connection id of the contact: every paired site answers.
    const forContact = await core.call('wordpress/membersForContact', {
      connectionId: 'keap-1',
      contactId: '2001',
    });
    expect(forContact.members.map((m) => m.login)).toEqual(['twin.one', 'twin.two']);
    expect(forContact.members[0]?.accessTags.map((t) => t.name)).toEqual([
      'Course A Access',
      'Course B Access',
    ]);
    expect(forContact.orders.map((o) => o.id)).toEqual(['5005', '7002']);
  });

  it('relinks through the site, updates the cache and writes the audit log', async () => {
    const { connection } = await core.call('wordpress/add', creds());
    await core.call('wordpress/sync', { connectionId: connection.id });
    const orphan = (await core.call('wordpress/members', { search: 'orphaned' })).items[0]!;
    const out = await core.call('wordpress/relink', {
      connectionId: connection.id,
      wpId: orphan.wpId,
      contactId: '1001',
    });
    expect(out).toMatchObject({ before: '9999', after: '1001', changed: true, resync: { ok: true } });
    expect(out.member?.linkedContactId).toBe('1001');
    // The resync gave the user contact 1001's tags, and the cache shows them at once.
    expect(out.member?.accessTags.map((t) => t.id).sort()).toEqual(['101', '103']);
    const again = await core.call('wordpress/relink', {
      connectionId: connection.id,
      wpId: orphan.wpId,
      contactId: '1001',
      resync: false,
    });
    expect(again).toMatchObject({ changed: false, resync: null });
    expect(sandbox.snapshot().users.find((u) => u.login === 'orphaned')?.contactId).toBe('1001');
    const audit = core.context.workspace.db
      .prepare(`SELECT subject, details FROM audit_log WHERE action = 'wordpress.relinked' ORDER BY id`)
      .all() as { subject: string; details: string }[];
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ before: '9999', after: '1001' });
    await expect(
      core.call('wordpress/relink', { connectionId: connection.id, wpId: orphan.wpId, contactId: 'bad id' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('syncs incrementally, removes users gone from the site on a full sync, and resumes after a failure', async () => {
    const { connection } = await core.call('wordpress/add', creds());
    const db = core.context.workspace.db;
    db.prepare(
      `INSERT INTO wp_users (connection_id, wp_id, login, raw, synced_at) VALUES (?, 9000, 'deleted-on-site', '{}', '2000-01-01')`,
    ).run(connection.id);
    const full = await core.call('wordpress/sync', { connectionId: connection.id });
    expect(full.members.removed).toBe(1);

    const client = new WordPressConnector(creds());
    const ben = (await client.listMembers({ page: 1, perPage: 100 })).items.find((m) => m.login === 'ben2')!;
    await client.relinkMember(ben.wpId, '4444');
    const inc = await core.call('wordpress/sync', { connectionId: connection.id, mode: 'incremental' });
    expect(inc.mode).toBe('incremental');
    expect(inc.members.fetched).toBeLessThan(TOTAL_USERS);
    expect(inc.members.total).toBe(TOTAL_USERS);
    expect(
      (await core.call('wordpress/membersForContact', { contactId: '4444' })).members.map((m) => m.login),
    ).toEqual(['ben2']);

    // A run that dies on page 3 resumes there.
    const fresh = tempCore();
    try {
      fresh.context.workspace.db
        .prepare(
          `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('wp-r', 'wordpress', 'r', ?, '2026')`,
        )
        .run(sandbox.baseUrl);
      const quick = new WordPressConnector({ ...creds(), http: { maxRetries: 0 } });
      const opts = {
        db: fresh.context.workspace.db,
        client: quick,
        connectionId: 'wp-r',
        events: fresh.events,
        clock: fresh.context.clock,
        mode: 'full' as const,
        perPage: 5,
      };
      sandbox.clearRequests();
      // Pages 1 and 2 succeed; the third request gets a 403 that is not retried.
      sandbox.injectFault({ kind: 'slow', delayMs: 1, times: 2, path: '/mergedesk/v1/members' });
      sandbox.injectFault({ kind: 'status', status: 403, times: 1, path: '/mergedesk/v1/members' });
      await expect(syncWordPress(opts)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(fresh.context.workspace.db.prepare('SELECT count(*) FROM wp_users').pluck().get()).toBe(10);
      const runs = () =>
        fresh.context.workspace.db.prepare('SELECT status FROM sync_runs ORDER BY id').pluck().all();
      expect(runs()).toEqual(['failed']);
      sandbox.clearRequests();
      const resumed = await syncWordPress(opts);
      expect(resumed.resumed).toBe(true);
      expect(sandbox.requests.filter((r) => r.startsWith('GET /mergedesk/v1/members'))).toHaveLength(
        Math.ceil(TOTAL_USERS / 5) - 2,
      );
      expect(resumed.members.total).toBe(TOTAL_USERS);
      expect(runs()).toEqual(['failed', 'completed']);
    } finally {
      fresh.dispose();
    }
  });

  it('saves a site without the plugin and says how to install it, with the zip', async () => {
    sandbox.setBridgeActive(false);
    const { connection, test } = await core.call('wordpress/add', creds());
    expect(test).toMatchObject({ ok: false, authOk: true, pluginInstalled: false });
    expect(test.problem?.message).toMatch(/install the Mergedesk Bridge plugin/);
    expect(test.install?.installSteps.join(' ')).toMatch(/Upload Plugin/);
    // The renderer is told what to download, never where a file lies on this computer.
    expect(Object.keys(test.install!)).not.toContain('zipPath');
    expect(JSON.stringify(test)).not.toContain(core.context.workspace.dir);
    expect(existsSync(join(core.context.workspace.dir, 'plugins', test.install!.fileName))).toBe(true);
    const zip = await core.call('wordpress/pluginZip', {});
    expect(Buffer.from(zip.base64, 'base64').subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    sandbox.setBridgeActive(true);
    expect((await core.call('wordpress/test', { connectionId: connection.id })).ok).toBe(true);
  });

  it('refuses bad credentials, plain http to a remote host, and forgets everything on removal', async () => {
    await expect(
      core.call('wordpress/add', { ...creds(), appPassword: 'wrong wrong wrong wrong' }),
    ).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    await expect(
      core.call('wordpress/test', { url: 'http://members.example.com', username: 'a', appPassword: 'b' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/https/),
    });
    const { connection } = await core.call('wordpress/add', creds());
    await core.call('wordpress/sync', { connectionId: connection.id });
    await core.call('wordpress/remove', { connectionId: connection.id });
    expect((await core.call('workspace/status', {})).wp_users).toBe(0);
    expect(
      await core.context.workspace.secrets.get(`wordpress:${connection.id}:app-password`),
    ).toBeUndefined();
    await expect(core.call('wordpress/members', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('WordPress connector resilience', () => {
  const fast = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20 };

  it('retries 5xx and dropped connections, and times out on a slow site', async () => {
    const client = new WordPressConnector({ ...creds(), http: fast });
    sandbox.injectFault({ kind: 'status', status: 503, times: 2 });
    expect((await client.listMembers({ page: 1, perPage: 3 })).items).toHaveLength(3);
    sandbox.injectFault({ kind: 'drop', times: 1 });
    expect((await client.getMember(1))?.login).toBe('admin');
    sandbox.injectFault({ kind: 'status', status: 500, times: 10 });
    await expect(client.testConnection()).rejects.toMatchObject({ code: 'REMOTE_ERROR' });
    sandbox.clearFaults();
    const impatient = new WordPressConnector({
      ...creds(),
      http: { ...fast, maxRetries: 0, timeoutMs: 100 },
    });
    sandbox.injectFault({ kind: 'slow', delayMs: 500 });
    await expect(impatient.testConnection()).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('keeps its state across a restart', async () => {
    const client = new WordPressConnector(creds());
    const ada = (await client.membersForContact('1001'))[0]!;
    await client.relinkMember(ada.wpId, '8888');
    const password = sandbox.appPassword;
    await sandbox.close();
    sandbox = await startWordPressSandbox({ stateDir: dir, seed: { members: [], orders: [] } });
    expect(sandbox.appPassword).toBe(password);
    const again = new WordPressConnector(creds());
    expect((await again.getMember(ada.wpId))?.linkedContactId).toBe('8888');
  });

  it('normalises site addresses and refuses credentials in the URL', () => {
    const c = new WordPressConnector({ url: `${sandbox.baseUrl}/wp-json/`, username: 'a', appPassword: 'b' });
    expect(c.siteUrl).toBe(sandbox.baseUrl);
    expect(
      new WordPressConnector({ url: 'members.example.com/', username: 'a', appPassword: 'b' }).siteUrl,
    ).toBe('https://members.example.com');
    expect(
      () => new WordPressConnector({ url: 'https://u:p@example.com', username: 'a', appPassword: 'b' }),
    ).toThrow(/own fields/);
    expect(
      () => new WordPressConnector({ url: 'ftp://example.com', username: 'a', appPassword: 'b' }),
    ).toThrow(/https/);
  });
});
