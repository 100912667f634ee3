import { createRequire } from 'node:module';
import type * as FakerModule from '@faker-js/faker';
import type { Faker } from '@faker-js/faker';
import type { WpMemberSeed, WpOrderSeed } from '../types';
import type {
  GroundTruth,
  KeapAddress,
  KeapContactRecord,
  KeapOrderRecord,
  KeapSubscriptionRecord,
  KeapTagCategoryRecord,
  KeapTagRecord,
  SandboxStateData,
} from './model';

// Faker's name and place data takes ≈37 MB and 0.2 s to load: read when a world is generated, not by every host
// and CLI command that merely can start a sandbox.
const load = createRequire(import.meta.url);
function newFaker(): Faker {
  const { Faker: FakerClass, en } = load('@faker-js/faker') as typeof FakerModule;
  return new FakerClass({ locale: [en] });
}

export interface WorldOptions {
  readonly seed?: number;
  /** Approximate number of contact records, duplicates included. */
  readonly contacts?: number;
}

/** Seeded data is dated relative to a fixed anchor so the same seed always gives the same world. */
const ANCHOR = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

const COURSES = [
  'Watercolor Foundations',
  'Sourdough Mastery',
  'Mindful Mornings',
  'Podcast Launch Lab',
  'Garden Design Basics',
  'Confident Public Speaking',
  'Bookkeeping for Makers',
  'Yoga for Runners',
];
const MARKETING = [
  'Newsletter',
  'Webinar attendee',
  'Lead magnet: checklist',
  'Black Friday 2025',
  'Cold lead',
];
const NICKNAMES: Record<string, string> = {
  Robert: 'Bob',
  William: 'Bill',
  Elizabeth: 'Liz',
  Katherine: 'Kate',
  Michael: 'Mike',
  James: 'Jim',
  Jennifer: 'Jen',
  Margaret: 'Peggy',
  Thomas: 'Tom',
  Christopher: 'Chris',
  Daniel: 'Dan',
  Patricia: 'Pat',
  Joseph: 'Joe',
  Anthony: 'Tony',
  Susan: 'Sue',
  Steven: 'Steve',
  Rebecca: 'Becky',
  Matthew: 'Matt',
  Alexander: 'Alex',
  Victoria: 'Vicky',
};
const STATES: readonly [string, string][] = [
  ['Arizona', 'AZ'],
  ['California', 'CA'],
  ['Colorado', 'CO'],
  ['Florida', 'FL'],
  ['Georgia', 'GA'],
  ['Illinois', 'IL'],
  ['New York', 'NY'],
  ['Oregon', 'OR'],
  ['Texas', 'TX'],
  ['Washington', 'WA'],
];
const DUPLICATE_KINDS = [
  'same_email',
  'email_in_other_slot',
  'case_whitespace',
  'nickname_same_phone',
  'typo',
  'swapped_names',
  'moved_address',
] as const;

interface Person {
  given: string;
  family: string;
  email: string;
  phoneDigits: string;
  address: KeapAddress;
  company: string | null;
  jobTitle: string | null;
  birthDate: string | null;
  suffix?: string;
}

interface Draft {
  record: Omit<KeapContactRecord, 'id' | 'create_time' | 'update_time'>;
  createdAt: number;
  updatedAt: number;
  /** Index into the people list, for ground truth. */
  person: number;
  role: 'buyer' | 'login' | 'single';
  kind?: string;
  lookalikeOf?: number;
  lookalikeKind?: string;
}

/** Builds the initial sandbox state: contacts with realistic duplicates, tags, orders, subscriptions, WordPress seed. */
export function generateWorld(options: WorldOptions = {}): SandboxStateData {
  const seed = options.seed ?? 42;
  const target = Math.max(10, options.contacts ?? 2000);
  const faker = newFaker();
  faker.seed(seed);

  // Tags: four categories, per course a purchase / access / revoke tag, plus marketing tags.
  const categories: Record<string, KeapTagCategoryRecord> = {};
  const catIds = { purchase: '1', access: '2', revoke: '3', marketing: '4' };
  for (const [name, id] of Object.entries(catIds)) categories[id] = { id, name, description: `${name} tags` };
  const tags: Record<string, KeapTagRecord> = {};
  let nextTag = 100;
  const addTag = (name: string, category: string) => {
    const id = String(nextTag++);
    const time = new Date(ANCHOR - 900 * DAY).toISOString();
    tags[id] = { id, name, category: { id: category }, create_time: time, update_time: time };
    return id;
  };
  const courseTags = COURSES.map((course) => ({
    course,
    purchase: addTag(`Purchased: ${course}`, catIds.purchase),
    access: addTag(`Access: ${course}`, catIds.access),
    revoke: addTag(`Revoke: ${course}`, catIds.revoke),
  }));
  const marketingTags = MARKETING.map((m) => addTag(m, catIds.marketing));

  const people: Person[] = [];
  const drafts: Draft[] = [];
  const clusterKinds = new Map<number, string[]>();
  const newPerson = (overrides: Partial<Person> = {}): Person => {
    const nicknameBase = faker.helpers.arrayElement(Object.keys(NICKNAMES));
    const given = overrides.given ?? (faker.number.int(5) === 0 ? nicknameBase : faker.person.firstName());
    const family = overrides.family ?? faker.person.lastName();
    const [region, code] = faker.helpers.arrayElement(STATES);
    const person: Person = {
      given,
      family,
      email:
        overrides.email ??
        faker.internet
          .email({ firstName: given, lastName: family, provider: pickProvider(faker) })
          .toLowerCase(),
      phoneDigits: overrides.phoneDigits ?? phoneDigits(faker),
      address: overrides.address ?? {
        field: 'BILLING',
        line1: faker.location.streetAddress(),
        locality: faker.location.city(),
        region,
        region_code: `US-${code}`,
        postal_code: faker.location.zipCode('#####'),
        country_code: 'USA',
      },
      company:
        overrides.company !== undefined
          ? overrides.company
          : faker.number.int(3) === 0
            ? faker.company.name()
            : null,
      jobTitle: faker.number.int(4) === 0 ? faker.person.jobTitle() : null,
      birthDate:
        overrides.birthDate !== undefined
          ? overrides.birthDate
          : faker.number.int(2) === 0
            ? faker.date
                .birthdate({ min: 20, max: 75, mode: 'age', refDate: ANCHOR })
                .toISOString()
                .slice(0, 10)
            : null,
      ...(overrides.suffix ? { suffix: overrides.suffix } : {}),
    };
    people.push(person);
    return person;
  };
  const created = () => ANCHOR - faker.number.int({ min: 30, max: 1000 }) * DAY - faker.number.int(DAY);

  while (drafts.length < target) {
    const roll = faker.number.float();
    const person = newPerson();
    const pIndex = people.length - 1;
    const createdAt = created();
    if (roll < 0.14 && drafts.length + 2 <= target) {
      // A person with two records (sometimes three): one bought, the other logs in.
      const kinds = [faker.helpers.arrayElement(DUPLICATE_KINDS)];
      if (faker.number.int(9) === 0) kinds.push(faker.helpers.arrayElement(DUPLICATE_KINDS));
      clusterKinds.set(pIndex, kinds);
      if (kinds.includes('nickname_same_phone') && !NICKNAMES[person.given]) {
        person.given = faker.helpers.arrayElement(Object.keys(NICKNAMES));
      }
      drafts.push({
        record: contactFrom(person, faker),
        createdAt,
        updatedAt: createdAt,
        person: pIndex,
        role: 'buyer',
      });
      let when = createdAt;
      for (const kind of kinds) {
        when += faker.number.int({ min: 2, max: 400 }) * DAY;
        drafts.push({
          record: variant(person, kind, faker),
          createdAt: Math.min(when, ANCHOR - DAY),
          updatedAt: Math.min(when, ANCHOR - DAY),
          person: pIndex,
          role: 'login',
          kind,
        });
      }
    } else if (roll < 0.165 && drafts.length + 2 <= target) {
      // Look-alikes that are different people.
      const kind = faker.number.int(1) === 0 ? 'sr_jr' : 'family_shared_email';
      drafts.push({
        record: contactFrom(person, faker),
        createdAt,
        updatedAt: createdAt,
        person: pIndex,
        role: 'single',
      });
      const other =
        kind === 'sr_jr'
          ? newPerson({
              given: person.given,
              family: person.family,
              phoneDigits: person.phoneDigits,
              address: person.address,
              suffix: 'Jr.',
              birthDate: `${faker.number.int({ min: 1990, max: 2002 })}-0${faker.number.int({ min: 1, max: 9 })}-1${faker.number.int(9)}`,
              company: null,
            })
          : newPerson({ family: person.family, email: person.email, address: person.address, company: null });
      if (kind === 'sr_jr') drafts[drafts.length - 1]!.record.suffix = 'Sr.';
      drafts.push({
        record: contactFrom(other, faker),
        createdAt: createdAt + DAY * 20,
        updatedAt: createdAt + DAY * 20,
        person: people.length - 1,
        role: 'single',
        lookalikeOf: pIndex,
        lookalikeKind: kind,
      });
    } else {
      drafts.push({
        record: contactFrom(person, faker),
        createdAt,
        updatedAt: createdAt,
        person: pIndex,
        role: 'single',
      });
    }
  }

  // Keap hands out ids in creation order.
  drafts.sort((a, b) => a.createdAt - b.createdAt);
  const contacts: Record<string, KeapContactRecord> = {};
  const ids: string[] = [];
  drafts.forEach((d, i) => {
    const id = String(1001 + i);
    ids.push(id);
    const updated = Math.max(d.updatedAt, d.createdAt + faker.number.int({ min: 0, max: 200 }) * DAY);
    contacts[id] = {
      id,
      ...d.record,
      create_time: new Date(d.createdAt).toISOString(),
      update_time: new Date(
        updated < ANCHOR ? updated : ANCHOR - faker.number.int({ min: 1, max: 30 * DAY }),
      ).toISOString(),
    };
  });

  // Tags, orders and subscriptions: purchases sit on the buyer record, marketing tags anywhere.
  const contactTags: Record<string, Record<string, string>> = {};
  const orders: Record<string, KeapOrderRecord> = {};
  const subscriptions: Record<string, KeapSubscriptionRecord> = {};
  let nextOrder = 5001;
  let nextSub = 7001;
  const wpOrders: WpOrderSeed[] = [];
  const purchasesOf = new Map<string, number[]>();
  const tagOn = (contactId: string, tagId: string, at: number) => {
    (contactTags[contactId] ??= {})[tagId] = new Date(at).toISOString();
  };
  drafts.forEach((d, i) => {
    const id = ids[i]!;
    const c = contacts[id]!;
    const created = Date.parse(c.create_time);
    if (faker.number.int(2) === 0) tagOn(id, faker.helpers.arrayElement(marketingTags), created);
    const buys =
      d.role === 'buyer' ? 1 + faker.number.int(1) : d.role === 'single' && faker.number.int(2) === 0 ? 1 : 0;
    const courses = faker.helpers.arrayElements(
      courseTags.map((_, k) => k),
      buys,
    );
    purchasesOf.set(id, courses);
    for (const k of courses) {
      const ct = courseTags[k]!;
      const at = created + faker.number.int({ min: 0, max: 20 }) * DAY;
      tagOn(id, ct.purchase, at);
      tagOn(id, ct.access, at);
      const amount = faker.helpers.arrayElement([4900, 9700, 19700, 29700]);
      const orderId = String(nextOrder++);
      orders[orderId] = {
        id: orderId,
        contact_id: id,
        title: ct.course,
        status: 'PAID',
        total: { amount, currency_code: 'USD', formatted_amount: `$${(amount / 100).toFixed(2)}` },
        order_type: 'ONLINE',
        source_type: 'CHECKOUT_FORM',
        product_id: String(k + 1),
        creation_time: new Date(at).toISOString(),
        modification_time: new Date(at).toISOString(),
      };
      if (faker.number.int(3) === 0) {
        const subId = String(nextSub++);
        const active = faker.number.int(3) !== 0;
        subscriptions[subId] = {
          id: subId,
          contact_id: id,
          product_id: String(k + 1),
          subscription_plan_id: String(100 + k),
          active,
          quantity: 1,
          billing_amount: Math.round(amount / 10) / 100,
          billing_cycle: 'MONTH',
          billing_frequency: 1,
          start_date: new Date(at).toISOString().slice(0, 10),
          ...(active
            ? {
                next_bill_date: new Date(ANCHOR + faker.number.int({ min: 1, max: 28 }) * DAY)
                  .toISOString()
                  .slice(0, 10),
              }
            : {
                end_date: new Date(at + 90 * DAY).toISOString().slice(0, 10),
                reason_stopped: 'Cancelled by customer',
              }),
          modification_time: new Date(at).toISOString(),
        };
      }
      if (faker.number.int(1) === 0) {
        wpOrders.push({
          id: `aa-${orderId}`,
          kind: subscriptions[String(nextSub - 1)]?.contact_id === id ? 'subscription' : 'order',
          contactId: id,
          title: ct.course,
          status: 'completed',
        });
      }
    }
    if (d.role === 'single' && courses.length === 0 && faker.number.int(12) === 0) {
      // An old refund: access revoked.
      const ct = faker.helpers.arrayElement(courseTags);
      tagOn(id, ct.revoke, created + DAY);
    }
  });

  // Ground truth.
  const byPerson = new Map<number, string[]>();
  const buyerOf = new Map<number, string>();
  drafts.forEach((d, i) => {
    if (d.role === 'single') return;
    const list = byPerson.get(d.person) ?? [];
    list.push(ids[i]!);
    byPerson.set(d.person, list);
    if (d.role === 'buyer') buyerOf.set(d.person, ids[i]!);
  });
  const truth: GroundTruth = {
    clusters: [...byPerson.entries()].map(([p, list]) => ({
      ids: list,
      kinds: clusterKinds.get(p) ?? [],
      buyerId: buyerOf.get(p)!,
    })),
    lookalikes: drafts.flatMap((d, i) => {
      if (d.lookalikeOf === undefined) return [];
      const j = drafts.findIndex((o) => o.person === d.lookalikeOf);
      return j < 0 ? [] : [{ ids: [ids[j]!, ids[i]!] as [string, string], kind: d.lookalikeKind! }];
    }),
  };

  // WordPress members: buyers with access log in; in a duplicate cluster the login sits on the other record in
  // about half of the cases, with the course progress on it (the record that is not the best survivor).
  const members: WpMemberSeed[] = [];
  const loginCount = new Map<string, number>();
  const memberFor = (contactId: string, progressOn: boolean, accessFrom: string) => {
    const c = contacts[contactId]!;
    const email = c.email_addresses[0]?.email.trim().toLowerCase() ?? `${contactId}@example.invalid`;
    const base = email.split('@')[0]!.replace(/[^a-z0-9]/g, '') || `member${contactId}`;
    const n = loginCount.get(base) ?? 0;
    loginCount.set(base, n + 1);
    const access = Object.keys(contactTags[accessFrom] ?? {})
      .filter((t) => tags[t]?.category?.id === catIds.access)
      .map((t) => ({ id: t, name: tags[t]!.name }));
    const registered = Date.parse(c.create_time) + DAY;
    members.push({
      login: n === 0 ? base : `${base}${n + 1}`,
      email,
      displayName: [c.given_name, c.family_name].filter(Boolean).join(' ').trim() || base,
      linkedContactId: contactId,
      registeredAt: new Date(registered).toISOString(),
      lastLoginAt: progressOn
        ? new Date(ANCHOR - faker.number.int({ min: 1, max: 60 }) * DAY).toISOString()
        : null,
      progress: progressOn
        ? {
            lessonsCompleted: faker.number.int({ min: 1, max: 40 }),
            lastActivity: new Date(ANCHOR - faker.number.int({ min: 1, max: 60 }) * DAY)
              .toISOString()
              .slice(0, 10),
          }
        : { lessonsCompleted: 0 },
      accessTags: access,
    });
  };
  for (const cluster of truth.clusters) {
    const other = cluster.ids.find((id) => id !== cluster.buyerId);
    if (other && faker.number.int(1) === 0) memberFor(other, true, cluster.buyerId);
    else memberFor(cluster.buyerId, true, cluster.buyerId);
  }
  const clustered = new Set(truth.clusters.flatMap((c) => c.ids));
  for (const id of ids) {
    if (clustered.has(id) || (purchasesOf.get(id)?.length ?? 0) === 0) continue;
    if (faker.number.int(2) !== 0) memberFor(id, faker.number.int(3) !== 0, id);
  }

  return {
    version: 1,
    seed,
    tenantId: `sandbox${seed}`,
    appName: 'Sandbox Keap app',
    nextId: { contact: 1001 + drafts.length, order: nextOrder, subscription: nextSub, tag: nextTag },
    contacts,
    contactTags,
    tags,
    categories,
    orders,
    subscriptions,
    sequences: {},
    truth,
    wordpress: { members, orders: wpOrders },
  };
}

function pickProvider(faker: Faker): string {
  return faker.helpers.arrayElement([
    'gmail.com',
    'yahoo.com',
    'outlook.com',
    'icloud.com',
    'fastmail.com',
    'proton.me',
  ]);
}

function phoneDigits(faker: Faker): string {
  return `${faker.number.int({ min: 201, max: 989 })}${faker.number.int({ min: 200, max: 999 })}${String(faker.number.int(9999)).padStart(4, '0')}`;
}

function phone(digits: string, field = 'PHONE1') {
  return {
    number: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`,
    field,
    type: 'Mobile',
    number_e164: `+1${digits}`,
  };
}

function contactFrom(p: Person, faker: Faker): Omit<KeapContactRecord, 'id' | 'create_time' | 'update_time'> {
  const optIn = faker.number.int(3) !== 0;
  return {
    given_name: p.given,
    family_name: p.family,
    ...(p.suffix ? { suffix: p.suffix } : {}),
    ...(p.company
      ? { company: { id: String(faker.number.int({ min: 10, max: 999 })), company_name: p.company } }
      : {}),
    ...(p.jobTitle ? { job_title: p.jobTitle } : {}),
    ...(p.birthDate ? { birth_date: p.birthDate } : {}),
    contact_type: 'Customer',
    source_type: faker.helpers.arrayElement(['WEBFORM', 'LANDING_PAGE', 'IMPORT', 'API']),
    owner_id: '1',
    email_addresses: [
      {
        email: p.email,
        field: 'EMAIL1',
        is_opt_in: optIn,
        email_opt_status: optIn ? 'SINGLE_OPT_IN' : 'UNENGAGED_MARKETABLE',
      },
    ],
    phone_numbers: faker.number.int(4) === 0 ? [] : [phone(p.phoneDigits)],
    addresses: faker.number.int(3) === 0 ? [] : [{ ...p.address }],
    custom_fields:
      faker.number.int(3) === 0
        ? [{ id: '7', content: faker.helpers.arrayElement(['Podcast', 'Instagram', 'Friend', 'Search']) }]
        : [],
  };
}

/** The second record of a person, differing the way real duplicates do. */
function variant(
  p: Person,
  kind: string,
  faker: Faker,
): Omit<KeapContactRecord, 'id' | 'create_time' | 'update_time'> {
  const base = contactFrom(p, faker);
  base.company = undefined;
  delete base.company;
  switch (kind) {
    case 'same_email':
      base.phone_numbers = [];
      return base;
    case 'email_in_other_slot': {
      const work = faker.internet
        .email({ firstName: p.given, lastName: p.family, provider: 'work.example.com' })
        .toLowerCase();
      base.email_addresses = [
        { email: work, field: 'EMAIL1', is_opt_in: false, email_opt_status: 'UNENGAGED_MARKETABLE' },
        { email: p.email, field: 'EMAIL2', is_opt_in: true, email_opt_status: 'SINGLE_OPT_IN' },
      ];
      return base;
    }
    case 'case_whitespace':
      base.email_addresses[0]!.email = ` ${p.email.charAt(0).toUpperCase()}${p.email.slice(1)} `;
      base.given_name = ` ${p.given.toUpperCase()}`;
      base.family_name = `${p.family.toLowerCase()}  `;
      return base;
    case 'nickname_same_phone':
      base.given_name = NICKNAMES[p.given] ?? p.given;
      base.email_addresses[0]!.email = faker.internet
        .email({ firstName: base.given_name, lastName: p.family, provider: pickProvider(faker) })
        .toLowerCase();
      base.phone_numbers = [phone(p.phoneDigits)];
      return base;
    case 'typo': {
      base.family_name = typo(p.family, faker);
      const [local, domain] = p.email.split('@') as [string, string];
      base.email_addresses[0]!.email = `${typo(local, faker)}@${domain}`;
      base.phone_numbers = [phone(p.phoneDigits)];
      return base;
    }
    case 'swapped_names':
      base.given_name = p.family;
      base.family_name = p.given;
      return base;
    case 'moved_address': {
      const [region, code] = faker.helpers.arrayElement(STATES);
      base.addresses = [
        {
          field: 'BILLING',
          line1: faker.location.streetAddress(),
          locality: faker.location.city(),
          region,
          region_code: `US-${code}`,
          postal_code: faker.location.zipCode('#####'),
          country_code: 'USA',
        },
      ];
      base.phone_numbers = [phone(phoneDigits(faker))];
      return base;
    }
    default:
      return base;
  }
}

/** One adjacent transposition or a dropped letter, the commonest typing slips. */
function typo(s: string, faker: Faker): string {
  if (s.length < 4) return `${s}${s.slice(-1)}`;
  const i = faker.number.int({ min: 1, max: s.length - 3 });
  return faker.number.int(1) === 0
    ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)
    : s.slice(0, i) + s.slice(i + 1);
}
