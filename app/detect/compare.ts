import { jaroWinkler, jaroWinklerBoundWithout, jaroWinklerFrom, jaroWinklerRangeFrom } from './jaro-winkler';
import { nicknameGroups, shareNickname } from './normalise/names';
import type { Features, FieldName } from './types';

/**
 * Comparison levels per field, best first, the last one being "different". A comparator returns the level index,
 * or -1 when either side is missing (missing contributes nothing, as in Splink's null level).
 */
export interface FieldSpec {
  readonly name: FieldName;
  readonly label: string;
  readonly levels: readonly string[];
  /** P(level | match), a prior: the same person's records mostly agree. Sums to 1. */
  readonly m: readonly number[];
  /**
   * Typical P(level | two different people), a prior that the estimate from random pairs is blended with, so a
   * small list (where random pairs are few, or are the duplicates themselves) still gets sensible weights.
   */
  readonly u0: readonly number[];
  /** Whether the exact level is adjusted by how common the value is. */
  readonly tf: boolean;
}

export const FIELDS: readonly FieldSpec[] = [
  {
    name: 'given',
    label: 'given name',
    levels: ['exact', 'nickname', 'close', 'phonetic', 'initial', 'different'],
    m: [0.78, 0.05, 0.09, 0.03, 0.02, 0.03],
    u0: [0.01, 0.003, 0.01, 0.02, 0.005, 0.952],
    tf: true,
  },
  {
    name: 'family',
    label: 'family name',
    levels: ['exact', 'close', 'phonetic', 'different'],
    m: [0.82, 0.1, 0.04, 0.04],
    u0: [0.002, 0.005, 0.01, 0.983],
    tf: true,
  },
  {
    name: 'dob',
    label: 'birthday',
    levels: ['exact', 'close', 'near', 'different'],
    m: [0.8, 0.12, 0.05, 0.03],
    u0: [0.0005, 0.003, 0.01, 0.9865],
    tf: false,
  },
  {
    name: 'email',
    label: 'email',
    levels: ['exact', 'folded', 'same_local', 'close_local', 'different'],
    m: [0.8, 0.04, 0.04, 0.04, 0.08],
    u0: [0.0002, 0.0001, 0.0005, 0.0005, 0.9987],
    tf: true,
  },
  {
    name: 'phone',
    label: 'phone',
    levels: ['exact', 'same_tail', 'different'],
    m: [0.8, 0.06, 0.14],
    u0: [0.0002, 0.0005, 0.9993],
    tf: true,
  },
  {
    name: 'postcode',
    label: 'postcode',
    levels: ['exact', 'close', 'different'],
    m: [0.85, 0.08, 0.07],
    u0: [0.005, 0.02, 0.975],
    tf: true,
  },
  {
    name: 'street',
    label: 'street address',
    levels: ['exact', 'close', 'partial', 'different'],
    m: [0.76, 0.1, 0.08, 0.06],
    u0: [0.0005, 0.001, 0.005, 0.9935],
    tf: false,
  },
  {
    name: 'locality',
    label: 'city',
    levels: ['exact', 'close', 'different'],
    m: [0.84, 0.09, 0.07],
    u0: [0.02, 0.01, 0.97],
    tf: true,
  },
  {
    name: 'region',
    label: 'state',
    levels: ['exact', 'different'],
    m: [0.94, 0.06],
    u0: [0.2, 0.8],
    tf: false,
  },
  {
    name: 'company',
    label: 'company',
    levels: ['exact', 'close', 'different'],
    m: [0.75, 0.1, 0.15],
    u0: [0.01, 0.01, 0.98],
    tf: false,
  },
];

export const FIELD_INDEX: Readonly<Record<FieldName, number>> = Object.fromEntries(
  FIELDS.map((f, i) => [f.name, i]),
) as Record<FieldName, number>;

export const jw = (a: string, b: string): number => (a === b ? 1 : jaroWinkler(a, b));
/** Below this no comparison level of a name tells anything from the similarity. */
const NAME_FLOOR = 0.85;
/** From this similarity two names are "close" (a typo), above the phonetic level. */
const CLOSE_NAME = 0.92;

export function compareGiven(
  a: string,
  b: string,
  an: Features['nick'],
  bn: Features['nick'],
  aph: string,
  bph: string,
): number {
  if (!a || !b) return -1;
  if (a === b) return 0;
  if (shareNickname(an, bn)) return 1;
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 4 : 5;
  // Names that sound alike are at least phonetic: only "close" is left to ask, and the higher floor lets the
  // linear bound settle more of the pairs a phonetic blocking rule brings.
  const sounds = Boolean(aph) && aph === bph;
  const s = jaroWinklerFrom(sounds ? CLOSE_NAME : NAME_FLOOR, a, b);
  if (s >= CLOSE_NAME) return 2;
  if (sounds || s >= NAME_FLOOR) return 3;
  return 5;
}

export function compareFamily(a: string, b: string, aph: string, bph: string): number {
  if (!a || !b) return -1;
  if (a === b) return 0;
  const sounds = Boolean(aph) && aph === bph;
  const s = jaroWinklerFrom(sounds ? CLOSE_NAME : NAME_FLOOR, a, b);
  if (s >= CLOSE_NAME) return 1;
  // Double-barrelled or married names: "smith" within "smith jones".
  // (Only possible when one of them has a space: the padded strings are not built for every pair.)
  if (
    a.length >= 3 &&
    b.length >= 3 &&
    (a.includes(' ') || b.includes(' ')) &&
    (` ${b} `.includes(` ${a} `) || ` ${a} `.includes(` ${b} `))
  )
    return 1;
  if (sounds || s >= NAME_FLOOR) return 2;
  return 3;
}

/** Whether `a` from `ai` and `b` from `bi` agree on `len` characters (no substrings allocated). */
function sameRange(a: string, ai: number, b: string, bi: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a.charCodeAt(ai + k) !== b.charCodeAt(bi + k)) return false;
  return true;
}

export function compareDob(a: string, b: string): number {
  if (!a || !b) return -1;
  if (a === b) return 0;
  if (a.length !== 10 || b.length !== 10) return compareDobParts(a, b);
  const sameYear = sameRange(a, 0, b, 0, 4);
  const sameMonth = sameRange(a, 5, b, 5, 2);
  const sameDay = sameRange(a, 8, b, 8, 2);
  const same = Number(sameYear) + Number(sameMonth) + Number(sameDay);
  // A year typed wrong (1985 -> 1958, 2008 -> 2018) keeps month and day. Years decades apart on the same day and
  // month that no single slip explains (1958 / 1986) are a parent and a child born on the same date: two people.
  if (!sameYear && sameMonth && sameDay) return yearSlip(a, b) ? 1 : 3;
  if (same === 2) return 1;
  if (sameYear && sameRange(a, 5, b, 8, 2) && sameRange(a, 8, b, 5, 2)) return 1;
  const days = Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
  if (days <= 366) return 2;
  return 3;
}

/**
 * Whether two years on the same day and month are one birthday typed wrong: close in time (under ten years), one
 * digit changed within twenty years, or two neighbouring digits swapped (1985 / 1958).
 */
function yearSlip(a: string, b: string): boolean {
  const ya = Number(a.slice(0, 4));
  const yb = Number(b.slice(0, 4));
  if (!Number.isFinite(ya) || !Number.isFinite(yb) || Math.abs(ya - yb) < 10) return true;
  let diff = 0;
  let first = -1;
  for (let i = 0; i < 4; i++)
    if (a.charCodeAt(i) !== b.charCodeAt(i)) {
      diff += 1;
      if (first < 0) first = i;
    }
  // One digit changed in the tens (1958 / 1988) is as likely a generation as a slip: only near years count.
  if (diff <= 1) return Math.abs(ya - yb) < 20;
  return diff === 2 && first < 3 && a[first] === b[first + 1] && a[first + 1] === b[first];
}

/** The same levels for values that are not ISO dates of ten characters. */
function compareDobParts(a: string, b: string): number {
  const [ay, am, ad] = [a.slice(0, 4), a.slice(5, 7), a.slice(8, 10)];
  const [by, bm, bd] = [b.slice(0, 4), b.slice(5, 7), b.slice(8, 10)];
  const same = Number(ay === by) + Number(am === bm) + Number(ad === bd);
  if (ay !== by && am === bm && ad === bd) return yearSlip(a, b) ? 1 : 3;
  if (same === 2) return 1;
  if (ay === by && am === bd && ad === bm) return 1;
  const days = Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
  if (days <= 366) return 2;
  return 3;
}

/** Whether the lists share a value (plain loops: lists hold one or two values, and this runs for every pair). */
function bestOf(as: readonly string[], bs: readonly string[]): boolean {
  for (let i = 0; i < as.length; i++) {
    const x = as[i];
    for (let j = 0; j < bs.length; j++) if (bs[j] === x) return true;
  }
  return false;
}

export function compareEmail(a: Features, b: Features): number {
  if (a.emails.length === 0 || b.emails.length === 0) return -1;
  if (bestOf(a.emails, b.emails)) return 0;
  // Most records' addresses fold to themselves and share the list (see extractFeatures): nothing new to find.
  if ((a.emailsFolded !== a.emails || b.emailsFolded !== b.emails) && bestOf(a.emailsFolded, b.emailsFolded))
    return 1;
  if (a.emailLocals.length && b.emailLocals.length) {
    if (bestOf(a.emailLocals, b.emailLocals)) return 2;
    // A typo on either side of the @: compare the parts separately (Jaro–Winkler over the whole address
    // penalises the repeated letters of long domains).
    for (const x of a.emailsFolded)
      for (const y of b.emailsFolded) {
        const ax = x.lastIndexOf('@');
        const by = y.lastIndexOf('@');
        // Every "close" case needs the domains at 0.85 or more: the (short, mostly equal) domains go first, and
        // two user names at unrelated providers are never compared.
        const domainSim = jaroWinklerRangeFrom(0.85, x, ax + 1, x.length, y, by + 1, y.length);
        if (domainSim < 0.85) continue;
        const localSim = jaroWinklerRangeFrom(0.9, x, 0, ax, y, 0, by);
        if ((localSim >= 0.9 && domainSim >= 0.97) || (localSim === 1 && domainSim >= 0.85)) return 3;
        if (localSim >= 0.95 && domainSim >= 0.9) return 3;
      }
  }
  return 4;
}

export function comparePhone(a: Features, b: Features): number {
  if (a.phones.length === 0 || b.phones.length === 0) return -1;
  if (bestOf(a.phones, b.phones)) return 0;
  if (bestOf(a.phoneTails, b.phoneTails)) return 1;
  return 2;
}

export function comparePostcode(a: string, b: string): number {
  if (!a || !b) return -1;
  if (a === b) return 0;
  if (a.length === b.length) {
    let diff = 0;
    let first = -1;
    for (let i = 0; i < a.length; i++)
      if (a.charCodeAt(i) !== b.charCodeAt(i)) {
        diff += 1;
        if (first < 0) first = i;
      }
    if (diff === 1) return 1;
    if (
      diff === 2 &&
      a.charCodeAt(first) === b.charCodeAt(first + 1) &&
      a.charCodeAt(first + 1) === b.charCodeAt(first)
    )
      return 1;
  }
  return 2;
}

const SPACE = 0x20;
const compacted = new Map<string, string>();

/** A street name without spaces, memoised: a street is compared with many others, and V8 caches its hash. */
function compact(street: string): string {
  const hit = compacted.get(street);
  if (hit !== undefined) return hit;
  if (compacted.size > 100_000) compacted.clear();
  const out = street.replace(/ /g, '');
  compacted.set(street, out);
  return out;
}

export function compareStreet(a: Features, b: Features): number {
  if (!a.street || !b.street) {
    if (a.streetNumber && b.streetNumber && (a.street || b.street)) return -1;
    return -1;
  }
  const numbersKnown = Boolean(a.streetNumber && b.streetNumber);
  const sameNumber = numbersKnown && a.streetNumber === b.streetNumber;
  if (a.street === b.street) {
    if (sameNumber || !numbersKnown) return numbersKnown ? 0 : 1;
    return 2;
  }
  // The bound of the compacted names first: most streets of a candidate pair are far apart, and neither is then
  // compacted (at a million records the memo of compacted streets is mostly misses).
  const s =
    jaroWinklerBoundWithout(SPACE, a.street, b.street) < 0.9
      ? 0
      : jaroWinklerFrom(0.9, compact(a.street), compact(b.street));
  if (s >= 0.9) return sameNumber ? 1 : 2;
  if (sameNumber) return 2;
  return 3;
}

export function compareSimple(a: string, b: string, closeAt: number): number {
  if (!a || !b) return -1;
  if (a === b) return 0;
  return closeAt > 0 && jaroWinklerFrom(closeAt, a, b) >= closeAt ? 1 : 2;
}

export function compareRegion(a: string, b: string): number {
  if (!a || !b) return -1;
  return a === b ? 0 : 1;
}

/** Levels of every field for one pair, swapped given/family names detected. */
export interface PairLevels {
  readonly levels: Int8Array;
  readonly swapped: boolean;
}

export function compareAll(a: Features, b: Features, out: Int8Array): boolean {
  let g = compareGiven(a.given, b.given, a.nick, b.nick, a.givenPh, b.givenPh);
  let f = compareFamily(a.family, b.family, a.familyPh, b.familyPh);
  let swapped = false;
  // Every swap below needs one name equal to the other record's other name: without one, skip the two
  // similarity computations (most candidate pairs of different people).
  if (
    (g > 1 || f > 0) &&
    a.given &&
    a.family &&
    b.given &&
    b.family &&
    (a.given === b.family || a.family === b.given)
  ) {
    const sg = compareFamily(a.given, b.family, a.givenPh, b.familyPh);
    const sf = compareFamily(a.family, b.given, a.familyPh, b.givenPh);
    if (sg >= 0 && sf >= 0 && sg + sf <= 1 && sg + sf < Math.min(g, 3) + f) {
      g = sg === 0 ? 0 : 2;
      f = sf;
      swapped = true;
    } else if (sf === 0 && g > 1 && shareNickname(a.nick, nicknameGroups(b.family))) {
      // Swapped and shortened at once: "Jim Girnaez" / "Girnaez James".
      g = 1;
      f = 0;
      swapped = true;
    } else if (sg === 0 && g > 1 && shareNickname(b.nick, nicknameGroups(a.family))) {
      g = 1;
      f = 0;
      swapped = true;
    }
  }
  out[0] = g;
  out[1] = f;
  out[2] = compareDob(a.dob, b.dob);
  out[3] = compareEmail(a, b);
  out[4] = comparePhone(a, b);
  out[5] = comparePostcode(a.postcode, b.postcode);
  out[6] = compareStreet(a, b);
  out[7] = compareSimple(a.locality, b.locality, 0.9);
  out[8] = compareRegion(a.region, b.region);
  out[9] = compareSimple(a.company, b.company, 0.9);
  return swapped;
}

/** The value whose frequency adjusts an exact match, per field (multi-valued fields: the shared value). */
export function exactValue(field: number, a: Features, b: Features): string {
  switch (field) {
    case 0:
      return a.given;
    case 1:
      return a.family;
    case 3:
      return shared(a.emails, b.emails);
    case 4:
      return shared(a.phones, b.phones);
    case 5:
      return a.postcode;
    case 7:
      return a.locality;
    default:
      return '';
  }
}

/** The first value of `as` that `bs` holds, or "" (plain loops: no closure per scored pair). */
function shared(as: readonly string[], bs: readonly string[]): string {
  for (let i = 0; i < as.length; i++) {
    const x = as[i]!;
    for (let j = 0; j < bs.length; j++) if (bs[j] === x) return x;
  }
  return '';
}

/** Values a field contributes to its term-frequency table. */
export function tfValues(field: number, f: Features): readonly string[] {
  switch (field) {
    case 0:
      return f.given ? [f.given] : [];
    case 1:
      return f.family ? [f.family] : [];
    case 3:
      return f.emails;
    case 4:
      return f.phones;
    case 5:
      return f.postcode ? [f.postcode] : [];
    case 7:
      return f.locality ? [f.locality] : [];
    default:
      return [];
  }
}
