import type { FakeCrm } from './fake-crm';
import type { FakeWordPress } from './fake-wordpress';

/** The fakes' state as JSON, so a child process can persist it after every call and a new one can reload it. */
export function dumpRemotes(crm: FakeCrm, wp: FakeWordPress): string {
  return JSON.stringify({
    contacts: [...crm.contacts],
    contactTags: [...crm.contactTags].map(([k, v]) => [k, [...v]]),
    tags: [...crm.tags],
    orders: [...crm.orders],
    subscriptions: [...crm.subscriptions],
    sequences: [...crm.sequences].map(([k, v]) => [k, [...v]]),
    members: [...wp.members],
    wpOrders: [...wp.orders],
  });
}

export function loadRemotes(json: string, crm: FakeCrm, wp: FakeWordPress): void {
  const s = JSON.parse(json) as Record<string, [unknown, unknown][]>;
  const fill = <K, V>(
    map: Map<K, V>,
    entries: [unknown, unknown][],
    wrap: (v: unknown) => V = (v) => v as V,
  ) => {
    map.clear();
    for (const [k, v] of entries) map.set(k as K, wrap(v));
  };
  fill(crm.contacts, s.contacts!);
  fill(crm.contactTags, s.contactTags!, (v) => new Set(v as string[]));
  fill(crm.tags, s.tags!);
  fill(crm.orders, s.orders!);
  fill(crm.subscriptions, s.subscriptions!);
  fill(crm.sequences, s.sequences!, (v) => new Set(v as string[]));
  fill(wp.members, s.members!);
  fill(wp.orders, s.wpOrders!);
}
