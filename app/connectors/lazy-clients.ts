import type { CrmClient, CrmContact, CrmKind } from '../ports/crm';
import type { WordPressClient } from '../ports/wordpress';

/**
 * Clients whose construction needs an async step (reading the credential from the secret store) behind the
 * synchronous registry the merge module resolves clients through. The credential is read on first use only, and a
 * failed read is retried on the next call rather than cached.
 */
function memoAsync<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= build().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

export function lazyCrmClient(
  kind: CrmKind,
  capabilities: CrmClient['capabilities'],
  build: () => Promise<CrmClient>,
): CrmClient {
  const get = memoAsync(build);
  return {
    kind,
    capabilities,
    testConnection: async (signal) => (await get()).testConnection(signal),
    listContacts: async (options) => (await get()).listContacts(options),
    listContactIds: async (options) => (await get()).listContactIds(options),
    getContact: async (id, signal) => (await get()).getContact(id, signal),
    getContacts: async (ids, signal) => {
      const client = await get();
      if (client.getContacts) return client.getContacts(ids, signal);
      const out = new Map<string, CrmContact>();
      for (const id of ids) {
        const c = await client.getContact(id, signal);
        if (c) out.set(id, c);
      }
      return out;
    },
    updateContact: async (id, patch, signal) => (await get()).updateContact(id, patch, signal),
    createContact: async (patch, signal) => {
      const client = await get();
      if (!client.createContact) throw new Error(`${kind} connections cannot create contacts.`);
      return client.createContact(patch, signal);
    },
    deleteContact: async (id, signal) => (await get()).deleteContact(id, signal),
    listTags: async (options) => (await get()).listTags(options),
    getContactTagIds: async (id, signal) => (await get()).getContactTagIds(id, signal),
    applyTags: async (id, tagIds, signal) => (await get()).applyTags(id, tagIds, signal),
    removeTags: async (id, tagIds, signal) => (await get()).removeTags(id, tagIds, signal),
    listOrders: async (options) => (await get()).listOrders(options),
    listSubscriptions: async (options) => (await get()).listSubscriptions(options),
    ...(capabilities.nativeMerge
      ? {
          mergeContacts: async (survivorId: string, duplicateId: string, signal?: AbortSignal) => {
            const client = await get();
            if (!client.mergeContacts) throw new Error(`${kind} connections have no native merge.`);
            return client.mergeContacts(survivorId, duplicateId, signal);
          },
        }
      : {}),
    ...(capabilities.sequences
      ? {
          addToSequence: async (
            contactId: string,
            sequence: Parameters<NonNullable<CrmClient['addToSequence']>>[1],
            signal?: AbortSignal,
          ) => {
            const client = await get();
            if (!client.addToSequence) throw new Error(`${kind} connections have no sequences.`);
            return client.addToSequence(contactId, sequence, signal);
          },
        }
      : {}),
  };
}

export function lazyWordPressClient(build: () => Promise<WordPressClient>): WordPressClient {
  const get = memoAsync(build);
  return {
    testConnection: async (signal) => (await get()).testConnection(signal),
    listMembers: async (options) => (await get()).listMembers(options),
    getMember: async (wpId, signal) => (await get()).getMember(wpId, signal),
    membersForContact: async (contactId, signal) => (await get()).membersForContact(contactId, signal),
    relinkMember: async (wpId, contactId, signal) => (await get()).relinkMember(wpId, contactId, signal),
    listOrders: async (options) => (await get()).listOrders(options),
    rekeyOrders: async (from, to, signal) => (await get()).rekeyOrders(from, to, signal),
    resyncMember: async (wpId, signal) => (await get()).resyncMember(wpId, signal),
  };
}
