import type { WordPressSeed, WpMemberSeed, WpOrderSeed } from '../types';

/** The state of the ActiveCampaign-compatible sandbox, kept as plain JSON. Ids are strings, as AC sends them. */
export interface AcContactRow {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  cdate: string;
  udate: string;
}

export interface AcState {
  version: 1;
  seed: number;
  nextId: number;
  contacts: Record<string, AcContactRow>;
  tags: Record<string, { id: string; tag: string; tagType: string }>;
  /** association id → { contact, tag } */
  contactTags: Record<string, { contact: string; tag: string; cdate: string }>;
  lists: Record<string, { id: string; name: string }>;
  /** `${contact}:${list}` → status (0 unconfirmed, 1 active, 2 unsubscribed, 3 bounced) */
  contactLists: Record<string, { contact: string; list: string; status: string }>;
  automations: Record<string, { id: string; name: string; status: string }>;
  /** association id → { contact, automation, status } (1 active, 2 completed) */
  contactAutomations: Record<string, { contact: string; automation: string; status: string }>;
  fields: Record<string, { id: string; title: string; perstag: string }>;
  /** `${contact}:${field}` → value */
  fieldValues: Record<string, { id: string; contact: string; field: string; value: string }>;
  truth: AcGroundTruth;
  wordpress: WordPressSeed;
}

/** The labelled duplicates: one person under two or more records, and how the records differ. */
export interface AcGroundTruth {
  readonly clusters: readonly {
    readonly ids: readonly string[];
    readonly kind: AcDuplicateKind;
    readonly survivorId: string;
  }[];
  /** Pairs that look alike but are different people (a shared family phone). */
  readonly lookalikes: readonly { readonly ids: readonly [string, string]; readonly kind: string }[];
}

/** Emails are unique in ActiveCampaign, so duplicates differ in the address itself. */
export type AcDuplicateKind =
  'plus_alias' | 'typo_domain' | 'work_vs_personal' | 'gmail_dots' | 'phone_and_name';

const FIRST = [
  'Ann',
  'Ben',
  'Carla',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lars',
  'Maya',
  'Noor',
  'Oscar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Xena',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Lee',
  'Okafor',
  'Novak',
  'Haddad',
  'Schmidt',
  'Tanaka',
  'Moreau',
  'Silva',
  'Kowalski',
  'Nguyen',
  'Brennan',
  'Costa',
  'Fischer',
  'Ivanova',
  'Jensen',
  'Khan',
  'Lindqvist',
  'Mendes',
  'Ortiz',
  'Petrov',
];
const COMPANIES = ['acme.test', 'northwind.test', 'globex.test', 'initech.test'];
const TYPO: Record<string, string> = {
  'gmail.com': 'gmial.com',
  'yahoo.com': 'yaho.com',
  'outlook.com': 'outlok.com',
};
const PERSONAL = ['gmail.com', 'yahoo.com', 'outlook.com'];

function rng(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tags AccessAlly grants course access from; the linked site copies these on a resync. */
export const ACCESS_TAGS = ['Course A Access', 'VIP Member', 'Membership Gold'];
const OTHER_TAGS = ['Newsletter', 'Webinar 2026', 'Lead Magnet', 'Customer'];

/**
 * A small, deterministic account with the duplicates ActiveCampaign accounts really have (plus aliases, domain
 * typos, a work and a personal address, Gmail dots, and the same name and phone under unrelated addresses), each
 * cluster labelled; members of a linked WordPress/AccessAlly site point at one record of some clusters.
 */
export function generateAcWorld(seed = 42, people = 60): AcState {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const state: AcState = {
    version: 1,
    seed,
    nextId: 1,
    contacts: {},
    tags: {},
    contactTags: {},
    lists: {},
    contactLists: {},
    automations: {},
    contactAutomations: {},
    fields: {},
    fieldValues: {},
    truth: { clusters: [], lookalikes: [] },
    wordpress: { members: [], orders: [] },
  };
  let assoc = 1;
  const id = () => String(state.nextId++);
  const at = (days: number) =>
    new Date(Date.UTC(2024, 0, 1) + days * 86_400_000).toISOString().replace('.000Z', '-00:00');
  [...ACCESS_TAGS, ...OTHER_TAGS].forEach((name, i) => {
    const tid = String(i + 1);
    state.tags[tid] = { id: tid, tag: name, tagType: 'contact' };
  });
  ['Newsletter', 'Customers', 'Product updates'].forEach((name, i) => {
    state.lists[String(i + 1)] = { id: String(i + 1), name };
  });
  ['Welcome series', 'Course onboarding', 'Win-back'].forEach((name, i) => {
    state.automations[String(i + 1)] = { id: String(i + 1), name, status: '1' };
  });
  ['Favourite course', 'Member since'].forEach((title, i) => {
    state.fields[String(i + 1)] = {
      id: String(i + 1),
      title,
      perstag: title.toUpperCase().replace(/ /g, '_'),
    };
  });

  const tagged = (contact: string, tag: string) => {
    state.contactTags[String(assoc++)] = { contact, tag, cdate: at(10) };
  };
  const listed = (contact: string, list: string, status: string) => {
    state.contactLists[`${contact}:${list}`] = { contact, list, status };
  };
  const inAutomation = (contact: string, automation: string, status = '1') => {
    state.contactAutomations[String(assoc++)] = { contact, automation, status };
  };
  const add = (first: string, last: string, email: string, phone: string, day: number): string => {
    const cid = id();
    state.contacts[cid] = {
      id: cid,
      email,
      firstName: first,
      lastName: last,
      phone,
      cdate: at(day),
      udate: at(day + 30),
    };
    return cid;
  };
  const phoneOf = () => `+1 415 555 ${String(1000 + Math.floor(next() * 8999))}`;
  const kinds: AcDuplicateKind[] = [
    'plus_alias',
    'typo_domain',
    'work_vs_personal',
    'gmail_dots',
    'phone_and_name',
  ];
  const members: WpMemberSeed[] = [];
  const orders: WpOrderSeed[] = [];
  const usedEmails = new Set<string>();
  const unique = (email: string) => {
    let e = email;
    for (let n = 2; usedEmails.has(e.toLowerCase()); n++) e = email.replace('@', `${n}@`);
    usedEmails.add(e.toLowerCase());
    return e;
  };

  for (let p = 0; p < people; p++) {
    const first = FIRST[p % FIRST.length]!;
    const last = LAST[(p * 7) % LAST.length]!;
    const local = `${first}.${last}`.toLowerCase();
    const domain = pick(PERSONAL);
    const phone = phoneOf();
    const base = unique(`${local}@${domain}`);
    const a = add(first, last, base, phone, p);
    tagged(a, String(4 + (p % OTHER_TAGS.length)));
    listed(a, '1', p % 5 === 0 ? '2' : '1');
    // Every third person has a duplicate of one of the kinds AC accounts really collect.
    if (p % 3 !== 0) continue;
    const kind = kinds[(p / 3) % kinds.length]!;
    const dupEmail =
      kind === 'plus_alias'
        ? base.replace('@', '+news@')
        : kind === 'typo_domain'
          ? base.replace(/@.*/, `@${TYPO[domain] ?? 'gmial.com'}`)
          : kind === 'work_vs_personal'
            ? `${first.toLowerCase()}@${pick(COMPANIES)}`
            : kind === 'gmail_dots'
              ? `${local.replace('.', '')}@gmail.com`
              : `${first.toLowerCase()}${Math.floor(next() * 90 + 10)}@${pick(PERSONAL)}`;
    const b = add(
      first,
      last,
      unique(dupEmail),
      kind === 'work_vs_personal' || kind === 'phone_and_name' || next() < 0.6 ? phone : '',
      p + 200,
    );
    // The duplicate carries the purchase: the access tag, the customer list, a running automation.
    const access = String(1 + (p % ACCESS_TAGS.length));
    tagged(b, access);
    tagged(b, '7');
    listed(b, '2', '1');
    listed(b, '1', p % 2 === 0 ? '1' : '2');
    inAutomation(b, '2');
    state.fieldValues[`${b}:1`] = { id: String(assoc++), contact: b, field: '1', value: 'Course A' };
    state.truth = {
      ...state.truth,
      clusters: [...state.truth.clusters, { ids: [a, b], kind, survivorId: a }],
    };
    if (p % 2 === 0) {
      members.push({
        login: local.replace('.', ''),
        email: dupEmail,
        displayName: `${first} ${last}`,
        linkedContactId: b,
        registeredAt: at(p + 200),
        lastLoginAt: at(p + 600),
        progress: { lessonsCompleted: 3 + (p % 9) },
        accessTags: [{ id: access, name: state.tags[access]!.tag }],
      });
      orders.push({
        id: `aa-${b}`,
        kind: 'order',
        contactId: b,
        title: ACCESS_TAGS[p % ACCESS_TAGS.length]!,
        status: 'completed',
      });
    }
  }
  // Look-alikes: a parent and child sharing a family phone and surname; different people.
  for (let i = 0; i < 3; i++) {
    const last = LAST[(i * 3 + 5) % LAST.length]!;
    const phone = phoneOf();
    const x = add('Robert', last, unique(`robert.${last.toLowerCase()}@${pick(PERSONAL)}`), phone, 400 + i);
    const y = add('Lily', last, unique(`lily.${last.toLowerCase()}@${pick(PERSONAL)}`), phone, 420 + i);
    state.truth = {
      ...state.truth,
      lookalikes: [...state.truth.lookalikes, { ids: [x, y], kind: 'family_phone' }],
    };
  }
  state.wordpress = { members, orders };
  return state;
}
