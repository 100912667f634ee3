import type { CountryCode } from 'libphonenumber-js/min';
import type { DetectRecord, Features } from './types';
import { nicknameGroups, parseFamily, parseGiven, parseSuffix, phonetic } from './normalise/names';
import { isRoleLocal, normaliseEmail } from './normalise/email';
import { normalisePhone, phoneTail } from './normalise/phone';
import { normaliseCompany, normalisePostcode, streetTokens } from './normalise/address';
import { normaliseDate } from './normalise/date';
import { fold } from './normalise/text';

const EMPTY: readonly string[] = [];

interface GivenParts {
  readonly given: string;
  readonly middle: string;
  readonly suffix: string;
  readonly givenPh: string;
  readonly nick: readonly number[] | null;
}
interface FamilyParts {
  readonly family: string;
  readonly suffix: string;
  readonly familyPh: string;
}

interface StreetParts {
  readonly number: string;
  readonly street: string;
}
/** A token `normaliseStreet` takes for the house number. */
const HOUSE_NUMBER = /^\d+[a-z]?$/;

/**
 * Memo of the normalised forms of raw name and place fields, for one scan. A contact list repeats a few thousand
 * given names, family names and cities: each distinct raw value is folded, parsed and encoded once, and every
 * record holding it shares the resulting strings (less work and less memory than one copy per record).
 */
/** A list of unique values (a million distinct streets) gains nothing from a memo: past this size start afresh. */
const MEMO_LIMIT = 300_000;

export class FeatureMemo {
  private readonly givens = new Map<string, GivenParts>();
  private readonly families = new Map<string, FamilyParts>();
  private readonly places = new Map<string, string>();
  private readonly dates = new Map<string, string>();
  private readonly interned = new Map<string, string>();
  private readonly streets = new Map<string, StreetParts>();
  private readonly postcodes = new Map<string, string>();
  private readonly companies = new Map<string, string>();

  /** One copy of each equal string. */
  intern(s: string): string {
    const hit = this.interned.get(s);
    if (hit !== undefined) return hit;
    if (this.interned.size >= MEMO_LIMIT) this.interned.clear();
    this.interned.set(s, s);
    return s;
  }

  given(raw: string | null | undefined): GivenParts {
    const key = raw ?? '';
    const hit = this.givens.get(key);
    if (hit) return hit;
    const p = parseGiven(key);
    const given = this.intern(p.given);
    const parts = {
      given,
      middle: p.middle,
      suffix: p.suffix,
      givenPh: phonetic(given),
      nick: nicknameGroups(given),
    };
    if (this.givens.size >= MEMO_LIMIT) this.givens.clear();
    this.givens.set(key, parts);
    return parts;
  }

  family(raw: string | null | undefined): FamilyParts {
    const key = raw ?? '';
    const hit = this.families.get(key);
    if (hit) return hit;
    const p = parseFamily(key);
    const family = this.intern(p.family);
    const parts = { family, suffix: p.suffix, familyPh: phonetic(family) };
    if (this.families.size >= MEMO_LIMIT) this.families.clear();
    this.families.set(key, parts);
    return parts;
  }

  date(raw: string | null | undefined): string {
    if (!raw) return '';
    const hit = this.dates.get(raw);
    if (hit !== undefined) return hit;
    const normalised = this.intern(normaliseDate(raw));
    if (this.dates.size >= MEMO_LIMIT) this.dates.clear();
    this.dates.set(raw, normalised);
    return normalised;
  }

  /**
   * `normaliseStreet(line)`. A street line is mostly unique (its house number), but what follows a leading house
   * number is not: that rest is parsed once. Exact because the rest's tokens are read the same way whatever the
   * first one was, when the first is a house number (it only sets the number, and no unit skips past it).
   */
  street(line: string): StreetParts {
    const folded = fold(line);
    const space = folded.indexOf(' ');
    const first = space < 0 ? folded : folded.slice(0, space);
    if (space > 0 && HOUSE_NUMBER.test(first)) {
      const rest = this.streetOf(folded.slice(space + 1));
      const number = this.intern(first.charCodeAt(first.length - 1) > 0x39 ? first.slice(0, -1) : first);
      return { number, street: rest.street };
    }
    return this.streetOf(folded);
  }

  private streetOf(folded: string): StreetParts {
    const hit = this.streets.get(folded);
    if (hit) return hit;
    const p = streetTokens(folded);
    const parts = { number: this.intern(p.number), street: this.intern(p.street) };
    if (this.streets.size >= MEMO_LIMIT) this.streets.clear();
    this.streets.set(folded, parts);
    return parts;
  }

  postcode(raw: string | null | undefined): string {
    if (!raw) return '';
    const hit = this.postcodes.get(raw);
    if (hit !== undefined) return hit;
    const normalised = this.intern(normalisePostcode(raw));
    if (this.postcodes.size >= MEMO_LIMIT) this.postcodes.clear();
    this.postcodes.set(raw, normalised);
    return normalised;
  }

  company(raw: string | null | undefined): string {
    if (!raw) return '';
    const hit = this.companies.get(raw);
    if (hit !== undefined) return hit;
    const normalised = this.intern(normaliseCompany(raw));
    if (this.companies.size >= MEMO_LIMIT) this.companies.clear();
    this.companies.set(raw, normalised);
    return normalised;
  }

  place(raw: string | null | undefined): string {
    if (!raw) return '';
    const hit = this.places.get(raw);
    if (hit !== undefined) return hit;
    const folded = this.intern(fold(raw));
    if (this.places.size >= MEMO_LIMIT) this.places.clear();
    this.places.set(raw, folded);
    return folded;
  }
}

// Scratch lists, copied out at their exact length: a list grown by `push` keeps room for 16 values, which for a
// million records is most of the features' memory.
const emails: string[] = [];
const folded: string[] = [];
const locals: string[] = [];
const phones: string[] = [];
const tails: string[] = [];

const exact = (list: string[]): readonly string[] => {
  const n = list.length;
  if (n === 0) return EMPTY;
  return n === 1 ? [list[0]!] : list.slice();
};

export function extractFeatures(r: DetectRecord, region: CountryCode, memo = new FeatureMemo()): Features {
  const givenParts = memo.given(r.givenName);
  const familyParts = memo.family(r.familyName);
  // The last suffix seen wins (see parseName): inside the given name, then the family name, then the suffix field.
  const suffix = givenParts.suffix || familyParts.suffix || parseSuffix(r.suffix);
  const middle = givenParts.middle || (r.middleName ? memo.given(r.middleName).given : '');
  emails.length = 0;
  folded.length = 0;
  locals.length = 0;
  for (const raw of r.emails ?? EMPTY) {
    const e = normaliseEmail(raw);
    if (!e || emails.includes(e.exact)) continue;
    emails.push(e.exact);
    // Most addresses fold to themselves: share the string rather than keep a copy per record.
    const f = e.folded === e.exact ? e.exact : e.folded;
    if (!folded.includes(f)) folded.push(f);
    if (e.local.length >= 4 && !isRoleLocal(e.local) && !locals.includes(e.local)) locals.push(e.local);
  }
  phones.length = 0;
  tails.length = 0;
  const rawPhones = r.phones ?? EMPTY;
  for (let i = 0; i < rawPhones.length; i++) {
    const p = r.phonesE164?.[i] ?? normalisePhone(rawPhones[i], region);
    if (!p || phones.includes(p)) continue;
    phones.push(p);
    const t = phoneTail(p);
    if (t && !tails.includes(t)) tails.push(t);
  }
  const emailList = exact(emails);
  // The same as normaliseAddress(r.addresses?.[0] ?? {}), through the memo.
  const parts = r.addresses?.[0];
  let streetNumber = '';
  let street = '';
  if (parts) {
    const first = memo.street(`${parts.streetNumber ?? ''} ${parts.line1 ?? ''}`);
    const second = first.street ? null : memo.street(parts.line2 ?? '');
    streetNumber = first.number || (second?.number ?? '');
    street = first.street || (second?.street ?? '');
  }
  return {
    id: r.id,
    source: r.source ?? '',
    given: givenParts.given,
    middle,
    family: familyParts.family,
    givenPh: givenParts.givenPh,
    familyPh: familyParts.familyPh,
    nick: givenParts.nick,
    suffix,
    emails: emailList,
    emailsFolded: folded.length === 0 ? EMPTY : sameList(folded, emails) ? emailList : exact(folded),
    emailLocals: exact(locals),
    phones: exact(phones),
    phoneTails: exact(tails),
    // High-cardinality values are not interned: hashing every one costs more than the memory it saves.
    dob: memo.date(r.birthday),
    // Postcodes, street numbers and street names repeat across a list: one copy each.
    postcode: memo.postcode(parts?.postcode),
    streetNumber,
    street,
    locality: memo.place(parts?.locality),
    region: memo.place(parts?.region),
    company: memo.company(r.company),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
