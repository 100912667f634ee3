import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeapSandbox } from '../../../app/sandbox/keap';
import { tempCore } from '../../helpers/workspace';
import { connect, crmCounts, fastSettings, sandbox, syncNow } from '../../helpers/keap';
import type { EventMap } from '../../../app/context/events';

type TestCore = ReturnType<typeof tempCore>;

describe('Keap sync against the sandbox over HTTP', () => {
  let sb: KeapSandbox;
  let core: TestCore;

  beforeEach(async () => {
    sb = await sandbox();
    core = tempCore();
  });
  afterEach(async () => {
    core.dispose();
    await sb.close();
  });

  function cacheCounts() {
    const db = core.context.workspace.db;
    const n = (sql: string) => db.prepare(sql).pluck().get() as number;
    return {
      contacts: n('SELECT count(*) FROM contacts'),
      tags: n('SELECT count(*) FROM tags'),
      orders: n('SELECT count(*) FROM orders'),
      subscriptions: n('SELECT count(*) FROM subscriptions'),
      contactTags: n('SELECT count(*) FROM contact_tags'),
    };
  }

  it('adds a connection after testing the key and shows the account', async () => {
    const added = await core.call('connections/add', {
      kind: 'keap',
      baseUrl: sb.baseUrl,
      apiKey: sb.apiKey,
    });
    expect(added.test.ok).toBe(true);
    expect(added.connection.account).toBe('Sandbox Keap app');
    expect(added.connection.secretHint).toBe(`…${sb.apiKey.slice(-4)}`);
    const listed = await core.call('connections/list', {});
    expect(JSON.stringify(listed)).not.toContain(sb.apiKey);
    const dbDump = core.context.workspace.db.prepare('SELECT * FROM connections').all();
    expect(JSON.stringify(dbDump)).not.toContain(sb.apiKey);
  });

  it('refuses a wrong key with AUTH_FAILED and saves nothing', async () => {
    await expect(
      core.call('connections/add', { kind: 'keap', baseUrl: sb.baseUrl, apiKey: 'KeapAK-wrong-key-123' }),
    ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(await core.call('connections/list', {})).toEqual([]);
  });

  it('full sync mirrors the CRM: contacts, tags, contact tags, orders, subscriptions', async () => {
    const id = await connect(core, sb);
    fastSettings(core, id);
    const progress: EventMap['sync/progress'][] = [];
    core.events.subscribe((e) => {
      if (e.name === 'sync/progress') progress.push(e.payload as EventMap['sync/progress']);
    });
    const result = await syncNow(core, id);
    expect(result.mode).toBe('full');
    expect(cacheCounts()).toEqual(crmCounts(sb));
    const status = await core.call('workspace/status', {});
    expect(status.contacts).toBe(crmCounts(sb).contacts);
    expect(progress.some((p) => p.resource === 'contacts' && p.done > 0)).toBe(true);
    // Categories are named, not just numbered.
    const cats = core.context.workspace.db
      .prepare('SELECT DISTINCT category FROM tags ORDER BY 1')
      .pluck()
      .all();
    expect(cats).toEqual(['access', 'marketing', 'purchase', 'revoke']);
  });

  it('incremental sync picks up changes and reflects deletions and merges', async () => {
    const id = await connect(core, sb);
    fastSettings(core, id);
    await syncNow(core, id);
    const h = { 'X-Keap-API-Key': sb.apiKey, 'Content-Type': 'application/json' };
    const [a, b, c] = Object.keys(sb.store.data.contacts);
    await fetch(`${sb.baseUrl}/rest/v2/contacts/${a}`, {
      method: 'PATCH',
      headers: h,
      body: JSON.stringify({ given_name: 'Renamed' }),
    });
    await fetch(`${sb.baseUrl}/rest/v2/contacts/${b}`, { method: 'DELETE', headers: h });
    const merged = await fetch(`${sb.baseUrl}/rest/v2/contacts:merge`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ contact_id: a, duplicate_contact_id: c }),
    });
    expect(merged.status).toBe(200);
    const result = await syncNow(core, id);
    expect(result.mode).toBe('incremental');
    expect(result.counts.contacts).toBeLessThan(crmCounts(sb).contacts / 2);
    const db = core.context.workspace.db;
    expect(db.prepare('SELECT given_name FROM contacts WHERE crm_id = ?').pluck().get(a)).toBe('Renamed');
    expect(db.prepare('SELECT count(*) FROM contacts WHERE crm_id IN (?, ?)').pluck().get(b, c)).toBe(0);
    expect(cacheCounts()).toEqual(crmCounts(sb));
  });

  it('searches the cache and returns a contact with tags, orders, subscriptions and raw fields', async () => {
    const id = await connect(core, sb);
    fastSettings(core, id);
    await syncNow(core, id);
    const withOrder = Object.values(sb.store.data.orders)[0]!.contact_id;
    const contact = sb.store.data.contacts[withOrder]!;
    const email = contact.email_addresses[0]!.email.trim();
    const found = await core.call('contacts/search', { query: email.slice(0, 8) });
    expect(found.items.some((i) => i.crmId === withOrder)).toBe(true);
    const pk = found.items.find((i) => i.crmId === withOrder)!.pk;
    const detail = await core.call('contacts/get', { pk });
    expect(detail.orders.length).toBeGreaterThan(0);
    expect(detail.tags.length).toBe(Object.keys(sb.store.data.contactTags[withOrder] ?? {}).length);
    expect((detail.raw as { id: string }).id).toBe(withOrder);
    const all = await core.call('contacts/search', { query: '', limit: 50, offset: 0 });
    expect(all.total).toBe(crmCounts(sb).contacts);
    expect(all.items).toHaveLength(50);
  });
});
