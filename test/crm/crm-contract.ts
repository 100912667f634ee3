import { beforeAll, describe, expect, it } from 'vitest';
import type { CrmClient, CrmContact } from '../../app/ports/crm';

/**
 * The behaviour sync, detection and both merge strategies rely on from a CRM client, run unchanged against the
 * in-memory fake and every sandbox CRM. Operations a CRM does not offer (lists, automations, custom fields) are
 * checked only where its capabilities say it has them. Each test cleans up what it created.
 */
export interface CrmContractTarget {
  readonly client: CrmClient;
  /** A tag id that exists and no fresh contact carries. */
  readonly spareTagId: string;
}

async function everything<T>(
  fetch: (cursor: string | null) => Promise<{ items: readonly T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await fetch(cursor);
    out.push(...page.items);
    if (!page.nextCursor) return out;
    expect(page.nextCursor).not.toBe(cursor);
    cursor = page.nextCursor;
  }
  throw new Error('paging never ended');
}

let serial = 0;
const freshEmail = () => `contract-${Date.now()}-${serial++}@contract.example`;

export function crmContract(name: string, target: () => Promise<CrmContractTarget> | CrmContractTarget) {
  describe(`CRM connector contract: ${name}`, () => {
    let t: CrmContractTarget;
    let crm: CrmClient;

    beforeAll(async () => {
      t = await target();
      crm = t.client;
    });

    async function withContact<T>(fn: (c: CrmContact) => Promise<T>): Promise<T> {
      const created = await crm.createContact!({
        givenName: 'Contract',
        familyName: 'Person',
        emails: [{ slot: 'EMAIL1', email: freshEmail() }],
      });
      try {
        return await fn(created);
      } finally {
        await crm.deleteContact(created.id);
      }
    }

    it('answers a connection test with the account it belongs to', async () => {
      const info = await crm.testConnection();
      expect(info.kind).toBe(crm.kind);
      expect(typeof info.account).toBe('string');
    });

    it('pages through every contact once, with string ids, and the id listing agrees', async () => {
      const contacts = await everything((cursor) => crm.listContacts({ cursor, pageSize: 7 }));
      const ids = contacts.map((c) => c.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      for (const c of contacts) {
        expect(typeof c.id).toBe('string');
        expect(Array.isArray(c.emails) && Array.isArray(c.tagIds)).toBe(true);
      }
      const listed = await everything((cursor) => crm.listContactIds({ cursor, pageSize: 11 }));
      expect([...listed].sort()).toEqual([...ids].sort());
    });

    it('lists only contacts changed since a time when asked', async () => {
      const none = await crm.listContacts({ updatedSince: '2999-01-01T00:00:00.000Z', pageSize: 50 });
      expect(none.items).toEqual([]);
    });

    it('says null for a contact that does not exist', async () => {
      expect(await crm.getContact('987654321')).toBeNull();
    });

    it('creates, reads back, updates and deletes a contact; deleting twice succeeds', async () => {
      const email = freshEmail();
      const created = await crm.createContact!({
        givenName: 'Round',
        familyName: 'Trip',
        emails: [{ slot: 'EMAIL1', email }],
      });
      expect(created.id).toMatch(/\S/);
      const read = await crm.getContact(created.id);
      expect(read?.givenName).toBe('Round');
      expect(read?.emails.map((e) => e.email.toLowerCase())).toContain(email);
      const updated = await crm.updateContact(created.id, { givenName: 'Rounder', familyName: 'Tripper' });
      expect(updated.givenName).toBe('Rounder');
      expect((await crm.getContact(created.id))?.familyName).toBe('Tripper');
      await crm.deleteContact(created.id);
      expect(await crm.getContact(created.id)).toBeNull();
      await expect(crm.deleteContact(created.id)).resolves.toBeUndefined();
    });

    it('applies tags idempotently and removes them', async () => {
      const tags = await everything((cursor) => crm.listTags({ cursor, pageSize: 50 }));
      expect(tags.some((x) => x.id === t.spareTagId)).toBe(true);
      await withContact(async (c) => {
        await crm.applyTags(c.id, [t.spareTagId]);
        await crm.applyTags(c.id, [t.spareTagId]);
        expect(await crm.getContactTagIds(c.id)).toContain(t.spareTagId);
        await crm.removeTags(c.id, [t.spareTagId]);
        expect(await crm.getContactTagIds(c.id)).not.toContain(t.spareTagId);
        await crm.removeTags(c.id, [t.spareTagId]);
      });
    });

    it('lists orders and subscriptions by contact', async () => {
      const orders = await crm.listOrders({ pageSize: 20 });
      for (const o of orders.items) expect(typeof o.id).toBe('string');
      await withContact(async (c) => {
        expect((await crm.listOrders({ contactId: c.id })).items).toEqual([]);
        expect((await crm.listSubscriptions({ contactId: c.id })).items).toEqual([]);
      });
    });

    it('lists its campaign sequences by campaign and name, when the CRM has sequences, and adds a contact to one', async () => {
      if (!crm.capabilities.sequences) {
        expect(crm.listSequences).toBeUndefined();
        expect(crm.addToSequence).toBeUndefined();
        return;
      }
      const sequences = await crm.listSequences!();
      expect(sequences.length).toBeGreaterThan(0);
      for (const q of sequences) {
        expect(q.campaignId.length * q.sequenceId.length).toBeGreaterThan(0);
        expect(q.name.trim()).not.toBe('');
        expect(q.campaignName.trim()).not.toBe('');
        expect([true, false, null]).toContain(q.sendsEmail);
      }
      const keys = sequences.map((q) => `${q.campaignId}/${q.sequenceId}`);
      expect(new Set(keys).size).toBe(keys.length);
      const q = sequences[0]!;
      await withContact(async (c) => {
        await crm.addToSequence!(c.id, { campaignId: q.campaignId, sequenceId: q.sequenceId });
      });
    });

    it('names its lists and automations, each once, where its capabilities say it has them', async () => {
      if (!crm.capabilities.lists) expect(crm.listLists).toBeUndefined();
      else {
        const lists = await everything((cursor) => crm.listLists!({ cursor, pageSize: 1 }));
        expect(lists.every((l) => l.name.trim() !== '')).toBe(true);
        expect(new Set(lists.map((l) => l.id)).size).toBe(lists.length);
      }
      if (!crm.capabilities.automations) expect(crm.listAutomations).toBeUndefined();
      else {
        const automations = await everything((cursor) => crm.listAutomations!({ cursor, pageSize: 1 }));
        expect(automations.every((a) => a.name.trim() !== '' && typeof a.active === 'boolean')).toBe(true);
        expect(new Set(automations.map((a) => a.id)).size).toBe(automations.length);
      }
    });

    it('subscribes and unsubscribes a contact per list, when the CRM has lists', async () => {
      if (!crm.capabilities.lists) return;
      const lists = await everything((cursor) => crm.listLists!({ cursor, pageSize: 20 }));
      expect(lists.length).toBeGreaterThan(0);
      const list = lists[0]!;
      await withContact(async (c) => {
        expect(await crm.getContactLists!(c.id)).toEqual([]);
        await crm.setListStatus!(c.id, list.id, 'active');
        await crm.setListStatus!(c.id, list.id, 'active');
        expect(await crm.getContactLists!(c.id)).toEqual([{ listId: list.id, status: 'active' }]);
        await crm.setListStatus!(c.id, list.id, 'unsubscribed');
        expect(await crm.getContactLists!(c.id)).toEqual([{ listId: list.id, status: 'unsubscribed' }]);
      });
    });

    it('adds a contact to an automation by id, when the CRM has automations', async () => {
      if (!crm.capabilities.automations) return;
      const automations = await everything((cursor) => crm.listAutomations!({ cursor, pageSize: 20 }));
      expect(automations.length).toBeGreaterThan(0);
      const a = automations[0]!;
      expect(typeof a.name).toBe('string');
      await withContact(async (c) => {
        expect(await crm.getContactAutomations!(c.id)).toEqual([]);
        await crm.addToAutomation!(c.id, a.id);
        const after = await crm.getContactAutomations!(c.id);
        expect(after.map((m) => m.automationId)).toEqual([a.id]);
      });
    });

    it('writes and reads back custom field values, when the CRM keeps them apart', async () => {
      if (!crm.listCustomFields) return;
      const fields = await everything((cursor) => crm.listCustomFields!({ cursor, pageSize: 20 }));
      expect(fields.length).toBeGreaterThan(0);
      const f = fields[0]!;
      await withContact(async (c) => {
        await crm.updateContact(c.id, { customFields: { [f.id]: 'Contract value' } });
        expect((await crm.getContact(c.id))?.customFields?.[f.id]).toBe('Contract value');
        await crm.updateContact(c.id, { customFields: { [f.id]: 'Second value' } });
        expect((await crm.getContact(c.id))?.customFields?.[f.id]).toBe('Second value');
      });
    });
  });
}
