import type { CrmClient, CrmContact, CrmKind } from '../ports/crm';
import type { CrmCapabilities } from '../ports/connector';
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

type Optional = Exclude<
  {
    [K in keyof CrmClient]-?: undefined extends CrmClient[K] ? K : never;
  }[keyof CrmClient],
  'estimateContactCount'
>;

export function lazyCrmClient(
  kind: CrmKind,
  capabilities: CrmCapabilities,
  build: () => Promise<CrmClient>,
): CrmClient {
  let built: CrmClient | null = null;
  const get = memoAsync(async () => (built = await build()));
  // An optional operation is offered when the connector's capabilities say so; the call itself checks that the
  // built client has it, so a capability promised but not implemented fails in words, not with a TypeError.
  const optional = <K extends Optional>(name: K, offered: boolean): Partial<Pick<CrmClient, K>> => {
    if (!offered) return {};
    const forward = async (...args: unknown[]) => {
      const client = await get();
      const fn = client[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!fn) throw new Error(`${kind} connections cannot ${String(name)}.`);
      return fn.apply(client, args);
    };
    return { [name]: forward } as unknown as Partial<Pick<CrmClient, K>>;
  };
  return {
    kind,
    capabilities: {
      nativeMerge: capabilities.nativeMerge,
      sequences: capabilities.sequences,
      tagsOnContact: capabilities.tagsOnContact,
      lists: capabilities.lists,
      automations: capabilities.automations,
    },
    // Nothing is known about the quota before the first request; a batch then plans with the budget alone.
    quota: () => built?.quota?.() ?? null,
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
    deleteContact: async (id, signal) => (await get()).deleteContact(id, signal),
    listTags: async (options) => (await get()).listTags(options),
    getContactTagIds: async (id, signal) => (await get()).getContactTagIds(id, signal),
    applyTags: async (id, tagIds, signal) => (await get()).applyTags(id, tagIds, signal),
    removeTags: async (id, tagIds, signal) => (await get()).removeTags(id, tagIds, signal),
    listOrders: async (options) => (await get()).listOrders(options),
    listSubscriptions: async (options) => (await get()).listSubscriptions(options),
    ...optional('createContact', true),
    ...optional('mergeContacts', capabilities.nativeMerge),
    ...optional('addToSequence', capabilities.sequences),
    ...optional('listSequences', capabilities.sequences),
    ...optional('listLists', capabilities.lists),
    ...optional('getContactLists', capabilities.lists),
    ...optional('setListStatus', capabilities.lists),
    ...optional('listAutomations', capabilities.automations),
    ...optional('getContactAutomations', capabilities.automations),
    ...optional('addToAutomation', capabilities.automations),
    ...optional('listCustomFields', capabilities.customFields),
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
