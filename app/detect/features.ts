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
    // Not interned: the memo already shares it among records of one raw value, and family names, birthdays
    // and postcodes are mostly distinct, so an intern lookup per new value would cost more than it shares.
    const family = p.family;
    const parts = { family, suffix: p.suffix, familyPh: phonetic(family) };
    if (this.families.size >= MEMO_LIMIT) this.families.clear();
    this.families.set(key, parts);
    return parts;
  }

  date(raw: string | null | undefined): string {
    if (!raw) return '';
    const hit = this.dates.get(raw);
    if (hit !== undefined) return hit;
    const normalised = normaliseDate(raw);
    if (this.dates.size >= MEMO_LIMIT) this.dates.clear();
    this.dates.set(raw, normalised);
    return normalised;
  }

  /** The house number of the last `street` call. */
  number = '';

  /**
   * `normaliseStreet(line)`: returns the street and leaves the number in `number`. A street line is mostly unique
   * (its house number), but what follows a leading house number is not: that rest is parsed once. Exact because
   * the rest's tokens are read the same way whatever the first one was, when the first is a house number (it
   * only sets the number, and no unit skips past it).
   */
  street(line: string): string {
    const folded = fold(line);
    const space = folded.indexOf(' ');
    if (space > 0 && HOUSE_NUMBER.test(folded.slice(0, space))) {
      const letter = folded.charCodeAt(space - 1) > 0x39;
      this.number = this.houseNumber(folded, letter ? space - 1 : space);
      return this.streetOf(folded.slice(space + 1)).street;
    }
    const parts = this.streetOf(folded);
    this.number = parts.number;
    return parts.street;
  }

  private readonly numbers: string[] = [];

  /** `folded.slice(0, end)`, a run of digits: small numbers are shared by value without hashing the string. */
  private houseNumber(folded: string, end: number): string {
    if (end > 6 || folded.charCodeAt(0) === 0x30) return this.intern(folded.slice(0, end));
    let value = 0;
    for (let i = 0; i < end; i++) value = value * 10 + folded.charCodeAt(i) - 0x30;
    return (this.numbers[value] ??= folded.slice(0, end));
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
    const normalised = normalisePostcode(raw);
    if (this.postcodes.size >= MEMO_LIMIT) this.postcodes.clear();
    this.postcodes.set(raw, normalised);
    return normalised;
  }

  company(raw: string | null | undefined): string {
    if (!raw) return '';
    const hit = this.companies.get(raw);
    if (hit !== undefined) return hit;
    const normalised = normaliseCompany(raw);
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

/** The first `n` values of a scratch list, in a list of their own. */
function exact(list: readonly string[], n: number): readonly string[] {
  if (n === 0) return EMPTY;
  if (n === 1) return [list[0]!];
  return list.slice(0, n);
}

/** Whether the first `n` values of `list` hold `v`. */
function holds(list: readonly string[], n: number, v: string): boolean {
  for (let i = 0; i < n; i++) if (list[i] === v) return true;
  return false;
}

export function extractFeatures(r: DetectRecord, region: CountryCode, memo = new FeatureMemo()): Features {
  const givenParts = memo.given(r.givenName);
  const familyParts = memo.family(r.familyName);
  // The last suffix seen wins (see parseName): inside the given name, then the family name, then the suffix field.
  const suffix = givenParts.suffix || familyParts.suffix || parseSuffix(r.suffix);
  const middle = givenParts.middle || (r.middleName ? memo.given(r.middleName).given : '');
  let ne = 0;
  let nf = 0;
  let nl = 0;
  let sameFolded = true;
  const rawEmails = r.emails ?? EMPTY;
  for (let i = 0; i < rawEmails.length; i++) {
    const e = normaliseEmail(rawEmails[i]);
    if (!e || holds(emails, ne, e.exact)) continue;
    emails[ne++] = e.exact;
    // Most addresses fold to themselves: share the string rather than keep a copy per record.
    const f = e.folded === e.exact ? e.exact : e.folded;
    if (!holds(folded, nf, f)) {
      if (sameFolded && (nf !== ne - 1 || f !== e.exact)) sameFolded = false;
      folded[nf++] = f;
    }
    if (e.local.length >= 4 && !isRoleLocal(e.local) && !holds(locals, nl, e.local)) locals[nl++] = e.local;
  }
  let np = 0;
  let nt = 0;
  const rawPhones = r.phones ?? EMPTY;
  for (let i = 0; i < rawPhones.length; i++) {
    const p = r.phonesE164?.[i] ?? normalisePhone(rawPhones[i], region);
    if (!p || holds(phones, np, p)) continue;
    phones[np++] = p;
    const t = phoneTail(p);
    if (t && !holds(tails, nt, t)) tails[nt++] = t;
  }
  const emailList = exact(emails, ne);
  // The same as normaliseAddress(r.addresses?.[0] ?? {}), through the memo (a leading space folds away).
  const parts = r.addresses?.[0];
  let streetNumber = '';
  let street = '';
  if (parts) {
    const line = parts.streetNumber ? `${parts.streetNumber} ${parts.line1 ?? ''}` : (parts.line1 ?? '');
    street = memo.street(line);
    streetNumber = memo.number;
    if (!street) {
      street = memo.street(parts.line2 ?? '');
      streetNumber ||= memo.number;
    }
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
    emailsFolded: nf === 0 ? EMPTY : sameFolded && nf === ne ? emailList : exact(folded, nf),
    emailLocals: exact(locals, nl),
    phones: exact(phones, np),
    phoneTails: exact(tails, nt),
    // High-cardinality values are not interned: hashing every one costs more than the memory it saves.
    dob: memo.date(r.birthday),
    // Postcodes, street numbers and street names repeat across a list: one copy per distinct raw value.
    postcode: memo.postcode(parts?.postcode),
    streetNumber,
    street,
    locality: memo.place(parts?.locality),
    region: memo.place(parts?.region),
    company: memo.company(r.company),
  };
}
