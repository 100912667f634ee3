import { closeSync, openSync, writeSync } from 'node:fs';
import type { DetectRecord } from '../../app/detect/types';
import {
  AREA_CODES,
  CITIES,
  COMMON_FAMILY,
  COMMON_FEMALE,
  COMMON_MALE,
  COMPANY_KINDS,
  COMPANY_SUFFIX,
  COMPANY_WORDS,
  FREE_DOMAINS,
  NICKNAMES,
  STREET_ABBR,
  STREET_NAMES,
  STREET_TYPES,
  tailFamily,
  tailGiven,
} from './names';

/**
 * A CRM-style contact list with ground truth, shaped like a Keap or ActiveCampaign export: the duplicate kinds
 * those accounts really hold (one person entered again through a web form, an import, a purchase) and the
 * look-alikes that are not the same person (a father and son at one address, spouses on one mailbox, a family or
 * role address, a company switchboard, two people who happen to share a common name).
 *
 * Rows are generated one at a time from a seeded generator, so a million rows need no more memory than six
 * thousand, and the same seed always gives the same file.
 */
export interface CrmRow {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly suffix: string;
  readonly email: string;
  readonly email2: string;
  readonly phone: string;
  readonly phone2: string;
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly postalCode: string;
  readonly company: string;
  readonly birthday: string;
  /** Ground truth: rows with the same entity are one person. */
  readonly entity: string;
  /** What this row is, for reading errors by kind: `person`, `dup:<variation>`, `father`, `spouse`… */
  readonly kind: string;
}

export interface CrmOptions {
  readonly rows: number;
  readonly seed: number;
}

/** Duplicate variations of a person's second (third…) record. */
export const DUPLICATE_KINDS = [
  'email_case',
  'email_slot',
  'gmail_dots_plus',
  'nickname',
  'typo',
  'swapped',
  'mover',
  'phone_format',
  'company_change',
  'new_email',
  'sparse',
] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];

/** Look-alike kinds: records that share values but are different people. */
export const LOOKALIKE_KINDS = [
  'generations',
  'spouses',
  'family_address',
  'role_address',
  'switchboard',
  'common_name',
] as const;

const DUP_WEIGHTS: Record<DuplicateKind, number> = {
  email_case: 12,
  email_slot: 10,
  gmail_dots_plus: 8,
  nickname: 10,
  typo: 12,
  swapped: 5,
  mover: 10,
  phone_format: 12,
  company_change: 6,
  new_email: 8,
  sparse: 7,
};

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Address {
  readonly number: string;
  readonly name: string;
  readonly type: string;
  readonly city: string;
  readonly state: string;
  readonly zip: string;
}

interface Person {
  entity: string;
  given: string;
  family: string;
  suffix: string;
  /** Where the suffix is written: the family column (`Dubois Jr.`), the suffix column, or the given column. */
  suffixIn: 'family' | 'suffix' | 'given' | '';
  male: boolean;
  birthday: string;
  email: string;
  email2: string;
  /** Ten digits. */
  phone: string;
  phone2: string;
  address: Address | null;
  company: string;
}

/** Index into a list of `n` with a Zipf-like skew (rank r drawn with weight ~ 1/(r+1)^s). */
function zipf(r: Rng, n: number, s = 1): number {
  // Inverse of the continuous approximation of the Zipf CDF: quick and close enough for a name pool.
  const u = r();
  if (s === 1) return Math.min(n - 1, Math.floor(Math.pow(n + 1, u)) - 1);
  const a = 1 - s;
  const x = Math.pow(u * (Math.pow(n + 1, a) - 1) + 1, 1 / a) - 1;
  return Math.min(n - 1, Math.max(0, Math.floor(x)));
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

function weighted<K extends string>(r: Rng, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  let total = 0;
  for (const [, w] of entries) total += w;
  let x = r() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

/** Bijective scramble of a counter into 7 digits: every person's mailbox number is unique and looks random. */
const mailboxNumber = (n: number): number => (n * 2654435761) % 10_000_000;

class CrmWorld {
  private readonly r: Rng;
  private entityNo = 0;
  /** Size of the synthetic family-name tail: grows with the list like a real one. */
  private readonly tailSize: number;

  constructor(seed: number, rows: number) {
    this.r = mulberry32(seed);
    this.tailSize = Math.max(2000, Math.round(rows / 4));
  }

  rand(): number {
    return this.r();
  }

  familyName(): string {
    const x = this.r();
    // About a quarter of a North American list carries one of the few dozen commonest family names.
    if (x < 0.25) return COMMON_FAMILY[zipf(this.r, COMMON_FAMILY.length, 0.7)]!;
    return tailFamily(Math.floor(this.r() * this.tailSize));
  }

  givenName(male: boolean): string {
    if (this.r() < 0.7) {
      const list = male ? COMMON_MALE : COMMON_FEMALE;
      return list[zipf(this.r, list.length, 0.8)]!;
    }
    return tailGiven(Math.floor(this.r() * 3000));
  }

  birthday(fromYear: number, toYear: number): string {
    const y = fromYear + Math.floor(this.r() * (toYear - fromYear + 1));
    const m = 1 + Math.floor(this.r() * 12);
    const d = 1 + Math.floor(this.r() * 28);
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }

  phone(areaCode?: string): string {
    const area = areaCode ?? pick(this.r, AREA_CODES);
    let exchange = 200 + Math.floor(this.r() * 800);
    if (exchange === 555) exchange = 556;
    const line = String(Math.floor(this.r() * 10_000)).padStart(4, '0');
    return `${area}${exchange}${line}`;
  }

  address(cityIndex?: number): Address {
    const c = CITIES[cityIndex ?? Math.floor(this.r() * CITIES.length)]!;
    return {
      number: String(1 + Math.floor(this.r() * (this.r() < 0.7 ? 999 : 19_999))),
      name: pick(this.r, STREET_NAMES),
      type: pick(this.r, STREET_TYPES),
      city: c[0],
      state: c[1],
      zip: c[2] + String(Math.floor(this.r() * 100)).padStart(2, '0'),
    };
  }

  company(): string {
    const base =
      this.r() < 0.6 ? tailFamily(Math.floor(this.r() * this.tailSize)) : pick(this.r, COMPANY_WORDS);
    const suffix = pick(this.r, COMPANY_SUFFIX);
    return `${base} ${pick(this.r, COMPANY_KINDS)}${suffix ? ` ${suffix}` : ''}`;
  }

  personalEmail(given: string, family: string): string {
    const g = given.toLowerCase();
    const f = family.toLowerCase().replace(/[^a-z]/g, '');
    // Every pattern keeps the whole number: two people never share a personal mailbox by accident.
    const n = mailboxNumber(this.entityNo * 7 + Math.floor(this.r() * 7));
    const patterns = [`${g}.${f}${n}`, `${g[0]}${f}${n}`, `${g}${f}.${n}`, `${f}.${g}${n}`, `${g}${n}`];
    return `${pick(this.r, patterns)}@${pick(this.r, FREE_DOMAINS)}`;
  }

  newEntity(): string {
    this.entityNo += 1;
    return `e${this.entityNo}`;
  }

  person(overrides: Partial<Person> = {}): Person {
    const male = overrides.male ?? this.r() < 0.48;
    const given = overrides.given ?? this.givenName(male);
    const family = overrides.family ?? this.familyName();
    const entity = this.newEntity();
    const company = this.r() < 0.35 ? this.company() : '';
    const p: Person = {
      entity,
      given,
      family,
      suffix: '',
      suffixIn: '',
      male,
      birthday: this.r() < 0.4 ? this.birthday(1940, 2002) : '',
      email: this.personalEmail(given, family),
      email2: company && this.r() < 0.25 ? workEmail(given, family, company) : '',
      phone: this.r() < 0.8 ? this.phone() : '',
      phone2: this.r() < 0.15 ? this.phone() : '',
      address: this.r() < 0.6 ? this.address() : null,
      company,
      ...overrides,
    };
    p.entity = entity;
    return p;
  }
}

function workEmail(given: string, family: string, company: string): string {
  const domain = company
    .toLowerCase()
    .replace(/\b(llc|inc|co|group)\b\.?/g, '')
    .replace(/[^a-z]/g, '');
  return `${given[0]!.toLowerCase()}${family.toLowerCase().replace(/[^a-z]/g, '')}@${domain}.com`;
}

function formatPhone(r: Rng, digits: string): string {
  if (!digits) return '';
  const a = digits.slice(0, 3);
  const b = digits.slice(3, 6);
  const c = digits.slice(6);
  switch (Math.floor(r() * 6)) {
    case 0:
      return `(${a}) ${b}-${c}`;
    case 1:
      return `${a}-${b}-${c}`;
    case 2:
      return `+1 ${a} ${b} ${c}`;
    case 3:
      return `${a}.${b}.${c}`;
    case 4:
      return `1${digits}`;
    default:
      return digits;
  }
}

function formatStreet(r: Rng, a: Address): string {
  const type = r() < 0.4 ? STREET_ABBR[a.type]! : a.type;
  return `${a.number} ${a.name} ${type}`;
}

function typo(r: Rng, s: string): string {
  if (s.length < 4) return s + s[s.length - 1];
  const i = 1 + Math.floor(r() * (s.length - 2));
  switch (Math.floor(r() * 3)) {
    case 0:
      return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    default:
      return s.slice(0, i) + s[i] + s.slice(i);
  }
}

function gmailVariant(r: Rng, email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at).replace(/\./g, '');
  if (r() < 0.5) {
    const i = 1 + Math.floor(r() * (local.length - 1));
    return `${local.slice(0, i)}.${local.slice(i)}@gmail.com`;
  }
  return `${email.slice(0, at)}+${pick(r, ['shop', 'news', 'webinar', 'promo'])}@gmail.com`;
}

function caseVariant(r: Rng, email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const cased = local.replace(/(^|[.])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase());
  const domain = email.slice(at + 1);
  const d = r() < 0.5 ? domain[0]!.toUpperCase() + domain.slice(1) : domain.toUpperCase();
  const pad = r() < 0.5 ? ' ' : '';
  return `${pad}${cased}@${d}${r() < 0.5 ? ' ' : ''}`;
}

/** One person's record as a row (with their suffix written where they write it). */
function rowOf(world: CrmWorld, id: number, p: Person, kind: string): CrmRow {
  const r = world.rand.bind(world);
  let first = p.given;
  let last = p.family;
  let suffix = '';
  if (p.suffix) {
    const written =
      p.suffix === 'jr'
        ? pick(r, ['Jr.', 'Jr', 'Junior'])
        : p.suffix === 'sr'
          ? pick(r, ['Sr.', 'Sr'])
          : p.suffix.toUpperCase();
    if (p.suffixIn === 'family') last = `${last} ${written}`;
    else if (p.suffixIn === 'given') first = `${first} ${written}`;
    else if (p.suffixIn === 'suffix') suffix = written;
  }
  return {
    id: String(id),
    firstName: first,
    lastName: last,
    suffix,
    email: p.email,
    email2: p.email2,
    phone: formatPhone(r, p.phone),
    phone2: formatPhone(r, p.phone2),
    street: p.address ? formatStreet(r, p.address) : '',
    city: p.address?.city ?? '',
    state: p.address?.state ?? '',
    postalCode: p.address?.zip ?? '',
    company: p.company,
    birthday: p.birthday,
    entity: p.entity,
    kind,
  };
}

/** A later record of the same person, changed the way `kind` changes one. */
function duplicateOf(
  world: CrmWorld,
  p: Person,
  kind: DuplicateKind,
): { person: Person; kind: DuplicateKind } {
  const r = world.rand.bind(world);
  const d: Person = { ...p };
  switch (kind) {
    case 'email_case':
      d.email = caseVariant(r, p.email);
      break;
    case 'email_slot':
      d.email2 = p.email;
      d.email = p.company && r() < 0.6 ? workEmail(p.given, p.family, p.company) : '';
      break;
    case 'gmail_dots_plus':
      if (!p.email.endsWith('@gmail.com')) return duplicateOf(world, p, 'email_case');
      d.email = gmailVariant(r, p.email);
      break;
    case 'nickname': {
      const nick = NICKNAMES[p.given];
      if (!nick) return duplicateOf(world, p, 'typo');
      d.given = nick;
      break;
    }
    case 'typo':
      if (r() < 0.5) d.given = typo(r, p.given);
      else d.family = typo(r, p.family);
      break;
    case 'swapped':
      d.given = p.family;
      d.family = p.given;
      break;
    case 'mover': {
      d.phone = world.phone();
      d.phone2 = '';
      const here = p.address ? CITIES.findIndex((c) => c[0] === p.address!.city) : -1;
      let other = Math.floor(r() * CITIES.length);
      if (other === here) other = (other + 1) % CITIES.length;
      d.address = world.address(other);
      if (r() < 0.3) d.company = '';
      break;
    }
    case 'phone_format':
      if (!p.phone) d.phone = world.phone();
      break;
    case 'company_change':
      d.company = world.company();
      d.email2 = r() < 0.5 ? workEmail(p.given, p.family, d.company) : '';
      break;
    case 'new_email':
      // A new mailbox, the same name and the same phone or address: with neither to keep, nothing but a name
      // would tie the records, which no one can call a duplicate; that record is entered again instead.
      if (!p.phone && !p.address) return duplicateOf(world, p, 'email_case');
      d.email = world.personalEmail(p.given, p.family);
      break;
    case 'sparse':
      d.phone = '';
      d.phone2 = '';
      d.address = null;
      d.company = '';
      d.birthday = '';
      d.email2 = '';
      break;
  }
  // A second, lighter change now and then: the same phone typed another way, a birthday left out.
  if (r() < 0.25 && kind !== 'sparse') d.birthday = '';
  if (r() < 0.15 && kind !== 'mover' && kind !== 'sparse') d.address = null;
  return { person: d, kind };
}

/**
 * Rows of a CRM-style list, one at a time. Ground truth is on every row (`entity`); nothing is kept between
 * units but the generator's state, so the list can be any length.
 */
export function* generateCrmRows(options: CrmOptions): Generator<CrmRow> {
  const world = new CrmWorld(options.seed, options.rows);
  const r = world.rand.bind(world);
  let id = 0;
  const emit = function* (people: readonly (readonly [Person, string])[]): Generator<CrmRow> {
    for (const [p, kind] of people) {
      if (id >= options.rows) return;
      id += 1;
      yield rowOf(world, id, p, kind);
    }
  };
  while (id < options.rows) {
    const x = r();
    if (x < 0.6) {
      yield* emit([[world.person(), 'person']]);
    } else if (x < 0.82) {
      const p = world.person();
      const copies = r() < 0.82 ? 1 : r() < 0.85 ? 2 : 3;
      const rows: [Person, string][] = [[p, 'person']];
      for (let c = 0; c < copies; c++) {
        const d = duplicateOf(world, p, weighted(r, DUP_WEIGHTS));
        rows.push([d.person, `dup:${d.kind}`]);
      }
      yield* emit(rows);
    } else if (x < 0.86) {
      yield* emit(generations(world));
    } else if (x < 0.9) {
      yield* emit(spouses(world));
    } else if (x < 0.915) {
      yield* emit(familyAddress(world));
    } else if (x < 0.93) {
      yield* emit(roleAddress(world));
    } else if (x < 0.934) {
      yield* emit(switchboard(world));
    } else if (x < 0.97) {
      yield* emit(commonName(world));
    } else {
      // A person with two records that share only a name and an email: the plainest duplicate of all.
      const p = world.person();
      yield* emit([
        [p, 'person'],
        [{ ...p, phone: '', address: null, birthday: '', company: '' }, 'dup:sparse'],
      ]);
    }
  }
}

/** Father and son: same given and family name, same landline and street, different mailboxes. */
function generations(world: CrmWorld): [Person, string][] {
  const r = world.rand.bind(world);
  const father = world.person({ male: true });
  const fatherYear = 1940 + Math.floor(r() * 30);
  const sonYear = fatherYear + 22 + Math.floor(r() * 14);
  const sameDay = r() < 0.3;
  const fatherBirthday = world.birthday(fatherYear, fatherYear);
  father.birthday = r() < 0.45 || sameDay ? fatherBirthday : '';
  father.address = father.address ?? world.address();
  father.phone = father.phone || world.phone();
  const son = world.person({
    male: true,
    given: father.given,
    family: father.family,
    address: father.address,
    phone: r() < 0.8 ? father.phone : world.phone(),
  });
  son.birthday = sameDay
    ? `${sonYear}${fatherBirthday.slice(4)}`
    : r() < 0.4
      ? world.birthday(sonYear, sonYear)
      : '';
  const mark = r();
  son.suffix = mark < 0.85 ? (r() < 0.8 ? 'jr' : 'ii') : '';
  son.suffixIn = mark < 0.4 ? 'family' : mark < 0.7 ? 'suffix' : mark < 0.85 ? 'given' : '';
  if (son.suffix && r() < 0.2) {
    father.suffix = 'sr';
    father.suffixIn = son.suffixIn;
  }
  const rows: [Person, string][] = [
    [father, 'father'],
    [son, 'son'],
  ];
  // Either of them entered twice, as anyone is.
  if (r() < 0.3) {
    const who = r() < 0.5 ? father : son;
    const d = duplicateOf(world, who, pick(r, ['email_case', 'phone_format', 'email_slot'] as const));
    rows.push([d.person, `dup:${d.kind}`]);
  }
  return rows;
}

/** Spouses on one mailbox: same family name and email, usually one address and landline, different given names. */
function spouses(world: CrmWorld): [Person, string][] {
  const r = world.rand.bind(world);
  const a = world.person();
  a.address = a.address ?? (r() < 0.9 ? world.address() : null);
  const b = world.person({
    male: !a.male,
    family: a.family,
    email: a.email,
    address: r() < 0.9 ? a.address : null,
    phone: r() < 0.6 ? a.phone : world.phone(),
  });
  if (b.given === a.given) b.given = world.givenName(!a.male) === a.given ? 'Ruth' : world.givenName(!a.male);
  const rows: [Person, string][] = [
    [a, 'spouse'],
    [b, 'spouse'],
  ];
  if (r() < 0.25) {
    const d = duplicateOf(world, b, pick(r, ['new_email', 'phone_format'] as const));
    rows.push([d.person, `dup:${d.kind}`]);
  }
  return rows;
}

/** A household on one family address: three to six people, same family name and mailbox. */
function familyAddress(world: CrmWorld): [Person, string][] {
  const r = world.rand.bind(world);
  const family = world.familyName();
  const shared = `the${family.toLowerCase().replace(/[^a-z]/g, '')}family${Math.floor(r() * 100_000)}@${pick(r, FREE_DOMAINS)}`;
  const address = world.address();
  const phone = world.phone();
  const size = 3 + Math.floor(r() * 4);
  const rows: [Person, string][] = [];
  const used = new Set<string>();
  for (let k = 0; k < size; k++) {
    const p = world.person({ family, address, phone: r() < 0.7 ? phone : world.phone(), email: shared });
    if (used.has(p.given)) p.given = tailGiven(Math.floor(r() * 100_000));
    used.add(p.given);
    if (r() < 0.4) p.email2 = world.personalEmail(p.given, family);
    rows.push([p, 'family_address']);
  }
  return rows;
}

/** A role address (office@, info@) entered for several staff of one business. */
function roleAddress(world: CrmWorld): [Person, string][] {
  const r = world.rand.bind(world);
  const company = world.company();
  const role = `${pick(r, ['office', 'info', 'admin', 'frontdesk', 'bookings'])}@${workEmail('x', 'x', company).split('@')[1]}`;
  const address = world.address();
  const size = 3 + Math.floor(r() * 8);
  const rows: [Person, string][] = [];
  for (let k = 0; k < size; k++) {
    const p = world.person({ company, email: role, address: r() < 0.6 ? address : null });
    p.email2 = r() < 0.5 ? world.personalEmail(p.given, p.family) : '';
    rows.push([p, 'role_address']);
  }
  return rows;
}

/** Staff of one company behind its switchboard: one phone, one street address, many people. */
function switchboard(world: CrmWorld): [Person, string][] {
  const r = world.rand.bind(world);
  const company = world.company();
  const phone = world.phone();
  const address = world.address();
  const size = 8 + Math.floor(r() * 50);
  const rows: [Person, string][] = [];
  for (let k = 0; k < size; k++) {
    const p = world.person({ company, phone, address: r() < 0.8 ? address : world.address() });
    p.email = r() < 0.7 ? workEmail(p.given, p.family, company) : p.email;
    p.phone2 = r() < 0.5 ? world.phone() : '';
    rows.push([p, 'switchboard']);
  }
  return rows;
}

/** Two different people with one of the commonest full names, sometimes in one city. */
function commonName(world: CrmWorld): [Person, string][] {
  const r = world.rand.bind(world);
  const male = r() < 0.5;
  const list = male ? COMMON_MALE : COMMON_FEMALE;
  const given = list[zipf(r, 10, 0.5)]!;
  const family = COMMON_FAMILY[zipf(r, 10, 0.5)]!;
  const a = world.person({ male, given, family });
  const b = world.person({ male, given, family });
  if (a.address && b.address && r() < 0.4)
    b.address = world.address(CITIES.findIndex((c) => c[0] === a.address!.city));
  return [
    [a, 'common_name'],
    [b, 'common_name'],
  ];
}

/** Keap-style export headers (recognised by the CSV analysis), in row order. */
export const CRM_HEADER = [
  'Id',
  'First Name',
  'Last Name',
  'Suffix',
  'Email',
  'Email 2',
  'Phone 1',
  'Phone 2',
  'Street Address',
  'City',
  'State',
  'Postal Code',
  'Company',
  'Birthday',
] as const;

function cell(v: string): string {
  return /[",\n\r]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function crmCsvLine(row: CrmRow): string {
  return [
    row.id,
    row.firstName,
    row.lastName,
    row.suffix,
    row.email,
    row.email2,
    row.phone,
    row.phone2,
    row.street,
    row.city,
    row.state,
    row.postalCode,
    row.company,
    row.birthday,
  ]
    .map(cell)
    .join(',');
}

export interface WrittenCrmCsv {
  readonly file: string;
  /** `Id,Entity,Kind` per row: kept out of the data file so the tool under test never sees it. */
  readonly truthFile: string;
  readonly rows: number;
}

/** Writes the list as CSV (and its truth beside it), streaming: memory stays flat at any size. */
export function writeCrmCsv(file: string, options: CrmOptions & { truthFile?: string }): WrittenCrmCsv {
  const truthFile = options.truthFile ?? file.replace(/(\.csv)?$/, '.truth.csv');
  const out = openSync(file, 'w');
  const truth = openSync(truthFile, 'w');
  let data = [CRM_HEADER.join(',')];
  let labels = ['Id,Entity,Kind'];
  let rows = 0;
  const flush = () => {
    writeSync(out, data.join('\n') + '\n');
    writeSync(truth, labels.join('\n') + '\n');
    data = [];
    labels = [];
  };
  try {
    for (const row of generateCrmRows(options)) {
      data.push(crmCsvLine(row));
      labels.push(`${row.id},${row.entity},${row.kind}`);
      rows += 1;
      if (data.length >= 10_000) flush();
    }
    flush();
  } finally {
    closeSync(out);
    closeSync(truth);
  }
  return { file, truthFile, rows };
}

/** The same rows as detection records, with their truth (for benchmarks and tests that stay in memory). */
export function crmRecords(options: CrmOptions): {
  records: DetectRecord[];
  truth: string[];
  kinds: string[];
} {
  const records: DetectRecord[] = [];
  const truth: string[] = [];
  const kinds: string[] = [];
  for (const row of generateCrmRows(options)) {
    records.push(toDetectRecord(row));
    truth.push(row.entity);
    kinds.push(row.kind);
  }
  return { records, truth, kinds };
}

export function toDetectRecord(row: CrmRow): DetectRecord {
  const emails = [row.email, row.email2].filter(Boolean);
  const phones = [row.phone, row.phone2].filter(Boolean);
  return {
    id: row.id,
    givenName: row.firstName || null,
    familyName: row.lastName || null,
    suffix: row.suffix || null,
    company: row.company || null,
    birthday: row.birthday || null,
    emails,
    phones,
    addresses:
      row.street || row.city || row.postalCode
        ? [
            {
              line1: row.street || null,
              locality: row.city || null,
              region: row.state || null,
              postcode: row.postalCode || null,
            },
          ]
        : [],
  };
}

/** Seeds kept apart: fitting the calibration never sees the rows the benchmark scores. */
export const CRM_SEEDS = {
  /** Evaluation (benchmark) lists. */
  evaluation: 20_261_201,
  /** Lists the calibration map is fitted on. */
  calibration: [7_001, 7_002, 7_003] as readonly number[],
} as const;
