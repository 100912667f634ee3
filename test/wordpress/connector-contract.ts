import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WordPressConnector } from '../../app/connectors/wordpress/client';
import { isAppError } from '../../app/domain/errors';
import type { WpMember } from '../../app/ports/wordpress';
import type { WordPressSeed } from '../../app/sandbox/types';

export const contractSeed = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixture-seed.json'), 'utf8'),
) as WordPressSeed;

export interface ContractTarget {
  readonly url: string;
  readonly username: string;
  readonly appPassword: string;
  readonly subscriber: { readonly username: string; readonly appPassword: string };
  /** Turns the Mergedesk Bridge plugin off or on. */
  setBridgeActive(active: boolean): Promise<void>;
}

/** Users every site has beside the seeded members: the admin and a subscriber without rights. */
const EXTRA_USERS = 2;

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function allMembers(client: WordPressConnector, perPage = 100): Promise<WpMember[]> {
  const out: WpMember[] = [];
  for (let page = 1; ; page++) {
    const res = await client.listMembers({ page, perPage });
    out.push(...res.items);
    if (page >= res.totalPages) return out;
  }
}

/**
 * The behaviour the app relies on, run unchanged against the sandbox site and against real WordPress with the
 * Mergedesk Bridge plugin (and an AccessAlly stand-in). Each test leaves the site as it found it.
 */
export function connectorContract(name: string, target: () => ContractTarget | null) {
  describe(`WordPress connector contract: ${name}`, () => {
    let t: ContractTarget;
    let client: WordPressConnector;
    const fast = { maxRetries: 2, baseDelayMs: 20, maxDelayMs: 100 };

    beforeAll(() => {
      const found = target();
      if (!found) throw new Error(`${name}: no target`);
      t = found;
      client = new WordPressConnector({
        url: t.url,
        username: t.username,
        appPassword: t.appPassword,
        http: fast,
      });
    });

    const byLogin = async (login: string) => {
      const m = (await allMembers(client)).find((x) => x.login === login);
      if (!m) throw new Error(`member ${login} missing`);
      return m;
    };

    it('core /wp/v2/users proves the Application Password and counts users', async () => {
      const check = await client.checkCoreUsers();
      expect(check.userCount).toBe(contractSeed.members.length + EXTRA_USERS);
      expect(check.login).toBe(t.username);
    });

    it('reports the bridge status with the AccessAlly link source', async () => {
      const site = await client.testConnection();
      expect(site.pluginVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(site.accessAlly.active).toBe(true);
      expect(site.linkSource).toBe('accessally');
    });

    it('lists members page by page with totals, linked contact ids and tags', async () => {
      const first = await client.listMembers({ page: 1, perPage: 5 });
      const total = contractSeed.members.length + EXTRA_USERS;
      expect(first.total).toBe(total);
      expect(first.totalPages).toBe(Math.ceil(total / 5));
      expect(first.items).toHaveLength(5);
      const all = await allMembers(client, 5);
      expect(all).toHaveLength(total);
      expect(new Set(all.map((m) => m.wpId)).size).toBe(total);
      for (const seeded of contractSeed.members) {
        const m = all.find((x) => x.login === seeded.login);
        expect(m, seeded.login).toBeDefined();
        expect(m!.email).toBe(seeded.email);
        expect(m!.linkedContactId).toBe(seeded.linkedContactId);
        if (seeded.linkedContactId) {
          expect(m!.accessTags.map((x) => x.id).sort()).toEqual(
            expect.arrayContaining(seeded.accessTags.map((x) => x.id)),
          );
        }
        // On the real site another file logs `nolink` in through wp-login.php; files run in any order.
        if (seeded.lastLoginAt !== null || seeded.login !== 'nolink') {
          expect(m!.lastLoginAt === null).toBe(seeded.lastLoginAt === null);
        }
      }
      const past = await client.listMembers({ page: first.totalPages + 1, perPage: 5 });
      expect(past.items).toEqual([]);
    });

    it('refuses per_page above 100 like WordPress core', async () => {
      const auth = Buffer.from(`${t.username}:${t.appPassword}`).toString('base64');
      const res = await fetch(`${t.url}/wp-json/wp/v2/users?context=edit&per_page=101`, {
        headers: { Authorization: `Basic ${auth}` },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('rest_invalid_param');
      const ok = await fetch(`${t.url}/wp-json/wp/v2/users?context=edit&per_page=2`, {
        headers: { Authorization: `Basic ${auth}` },
      });
      expect(ok.headers.get('x-wp-total')).toBe(String(contractSeed.members.length + EXTRA_USERS));
      const users = (await ok.json()) as { email?: string }[];
      expect(users).toHaveLength(2);
      expect(users[0]!.email).toContain('@');
    });

    it('gets one member, and null for an unknown id', async () => {
      const listed = await byLogin('twin.one');
      const got = await client.getMember(listed.wpId);
      expect(got?.login).toBe('twin.one');
      expect(got?.linkedContactId).toBe('2001');
      expect(got?.progress).toMatchObject({ lessonsCompleted: 30 });
      expect(await client.getMember(987654)).toBeNull();
    });

    it('finds every member linked to a contact', async () => {
      const twins = await client.membersForContact('2001');
      expect(twins.map((m) => m.login).sort()).toEqual(['twin.one', 'twin.two']);
      expect(await client.membersForContact('424242')).toEqual([]);
    });

    it('relinks idempotently and without touching anyone else', async () => {
      const before = await allMembers(client);
      const ben = before.find((m) => m.login === 'ben2')!;
      const first = await client.relinkMember(ben.wpId, '1099');
      expect(first).toMatchObject({ before: '1002', after: '1099', changed: true });
      const again = await client.relinkMember(ben.wpId, '1099');
      expect(again).toMatchObject({ before: '1099', after: '1099', changed: false });
      expect((await client.getMember(ben.wpId))?.linkedContactId).toBe('1099');
      expect((await client.membersForContact('1099')).map((m) => m.login)).toEqual(['ben2']);
      const after = await allMembers(client);
      expect(after).toHaveLength(before.length);
      for (const m of before) {
        if (m.wpId === ben.wpId) continue;
        expect(after.find((x) => x.wpId === m.wpId)?.linkedContactId).toBe(m.linkedContactId);
      }
      await client.relinkMember(ben.wpId, '1002');
      expect((await client.getMember(ben.wpId))?.linkedContactId).toBe('1002');
    });

    it('re-keys orders and subscriptions idempotently and loses none', async () => {
      const all = await client.listOrders({});
      expect(all).toHaveLength(contractSeed.orders.length);
      const from1003 = await client.listOrders({ contactId: '1003' });
      expect(from1003.map((o) => o.id).sort()).toEqual(['5003', '5004', '7001']);
      expect(new Set(from1003.map((o) => o.kind))).toEqual(new Set(['order', 'subscription']));

      const moved = await client.rekeyOrders('1003', '3003');
      expect(moved.moved).toBe(3);
      expect(moved.orders.every((o) => o.contactId === '3003')).toBe(true);
      expect((await client.rekeyOrders('1003', '3003')).moved).toBe(0);
      expect(await client.listOrders({ contactId: '1003' })).toEqual([]);
      expect((await client.listOrders({ contactId: '3003' })).map((o) => o.id).sort()).toEqual([
        '5003',
        '5004',
        '7001',
      ]);
      const afterAll = await client.listOrders({});
      expect(afterAll.map((o) => o.id).sort()).toEqual(all.map((o) => o.id).sort());
      for (const o of afterAll) {
        const was = all.find((x) => x.id === o.id)!;
        expect(o.contactId).toBe(was.contactId === '1003' ? '3003' : was.contactId);
        expect(o.status).toBe(was.status);
      }
      expect((await client.rekeyOrders('3003', '1003')).moved).toBe(3);
      await expect(client.rekeyOrders('1003', '1003')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('resyncs a relinked member so it carries the new contact’s tags', async () => {
      const cleo = await byLogin('cleo3');
      expect(cleo.accessTags.map((x) => x.id).sort()).toEqual(['101']);
      await client.relinkMember(cleo.wpId, '1001');
      await client.resyncMember(cleo.wpId);
      expect((await client.getMember(cleo.wpId))?.accessTags.map((x) => x.id).sort()).toEqual(['101', '103']);
      await client.relinkMember(cleo.wpId, '1003');
      await client.resyncMember(cleo.wpId);
      expect((await client.getMember(cleo.wpId))?.accessTags.map((x) => x.id).sort()).toEqual(['101']);
      const nolink = await byLogin('nolink');
      await expect(client.resyncMember(nolink.wpId)).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('rejects bad input on the site as well as in the client', async () => {
      const auth = Buffer.from(`${t.username}:${t.appPassword}`).toString('base64');
      const ben = await byLogin('ben2');
      const res = await fetch(`${t.url}/wp-json/mergedesk/v1/members/${ben.wpId}/contact`, {
        method: 'POST',
        headers: { Authorization: `Basic ${auth}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ contact_id: 'not a valid id!' }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('rest_invalid_param');
      await expect(client.relinkMember(ben.wpId, 'x'.repeat(65))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      expect((await client.getMember(ben.wpId))?.linkedContactId).toBe('1002');
    });

    it('says clearly when the password is wrong or the user lacks rights', async () => {
      const wrong = new WordPressConnector({
        url: t.url,
        username: t.username,
        appPassword: 'abcd efgh ijkl mnop qrst uvwx',
        http: fast,
      });
      const e1 = await rejection(wrong.checkCoreUsers());
      expect(isAppError(e1, 'AUTH_FAILED')).toBe(true);
      expect(isAppError(await rejection(wrong.testConnection()), 'AUTH_FAILED')).toBe(true);
      const sub = new WordPressConnector({
        url: t.url,
        username: t.subscriber.username,
        appPassword: t.subscriber.appPassword,
        http: fast,
      });
      const e2 = await rejection(sub.checkCoreUsers());
      expect(isAppError(e2, 'FORBIDDEN')).toBe(true);
      expect((e2 as Error).message).toMatch(/administrator/);
      expect(isAppError(await rejection(sub.listMembers({ page: 1 })), 'FORBIDDEN')).toBe(true);
    });

    it('tells the user to install the plugin when its routes are missing', async () => {
      await t.setBridgeActive(false);
      try {
        const e = await rejection(client.testConnection());
        expect(isAppError(e, 'UNSUPPORTED')).toBe(true);
        expect((e as Error).message).toMatch(/install the Mergedesk Bridge plugin/);
        expect((await client.checkCoreUsers()).userCount).toBeGreaterThan(0);
      } finally {
        await t.setBridgeActive(true);
      }
      expect((await client.testConnection()).pluginVersion).not.toBeNull();
    });
  });
}
