import type { Features, Lane } from './types';

/** Pair flags, stored with each pair so lanes can be recomputed (preview) without the records. */
export const IDENTITY_CONFLICT = 1;
export const VALUE_CONFLICT = 2;
/** Strong enough to merge without a look: a personal email in common, the names agree, no identity conflict. */
export const STRONG = 4;
export const SWAPPED = 8;
/** Shares an email or phone held by a handful of records at most. */
export const SHARES_IDENTIFIER = 16;

/** Identity conflicts: evidence that two look-alike records are two people. */
export const SUFFIX_CONFLICT = 1;
export const BIRTHDAY_CONFLICT = 2;
export const GIVEN_CONFLICT = 4;

/** Fields holding one value per contact (a difference is a choice to make); emails and phones are unioned. */
const SINGLE_VALUED = [0, 1, 2, 5, 6, 7, 8, 9];

/** Whether a single-valued field differs (a plain loop: this runs for every kept pair). */
function singleValuedDiffer(levels: Int8Array): boolean {
  for (let i = 0; i < SINGLE_VALUED.length; i++) if (levels[SINGLE_VALUED[i]!]! > 0) return true;
  return false;
}

/**
 * Jr./Sr./II in any name field on one record and not the other (or different ones), birthdays that no typo
 * explains (years apart on the same day and month included), given names beyond nickname, typo or sound (unless
 * the full birthday is the same).
 */
export function identityConflicts(a: Features, b: Features, levels: Int8Array, swapped: boolean): number {
  let out = 0;
  if (a.suffix !== b.suffix) out |= SUFFIX_CONFLICT;
  if (levels[2] === 3) out |= BIRTHDAY_CONFLICT;
  // Another given name on the same full birthday is a corrupted record far more often than a twin.
  if (levels[0] === 5 && !swapped && levels[2] !== 0) out |= GIVEN_CONFLICT;
  return out;
}

/** What the score knew about shared values (absent: read from the levels alone). */
export interface SharedEvidence {
  readonly conflicts: number;
  readonly identifier: boolean;
  readonly personalEmail: boolean;
}

/** levels: given, family, dob, email, phone, postcode, street, locality, region, company */
export function pairFlags(
  a: Features,
  b: Features,
  levels: Int8Array,
  swapped: boolean,
  evidence?: SharedEvidence,
): number {
  let flags = swapped ? SWAPPED : 0;
  const conflicts = evidence?.conflicts ?? identityConflicts(a, b, levels, swapped);
  if (conflicts) flags |= IDENTITY_CONFLICT;
  const middleClash = a.middle !== '' && b.middle !== '' && a.middle !== b.middle;
  if (singleValuedDiffer(levels) || swapped || a.suffix !== b.suffix || middleClash) flags |= VALUE_CONFLICT;
  if (evidence ? evidence.identifier : levels[3] === 0 || levels[4] === 0) flags |= SHARES_IDENTIFIER;
  const personal = evidence ? evidence.personalEmail : levels[3] === 0;
  const namesAgree = (swapped || levels[0]! <= 3) && levels[1]! <= 2;
  if (personal && namesAgree && !conflicts) flags |= STRONG;
  return flags;
}

/**
 * The lane of a group from its internal edges: **maybe_two_people** if any edge carries an identity conflict or
 * is below the match threshold; **safe** when every member is tied in by a strong edge (a personal email in
 * common, names that agree) and no single-valued field differs; else **needs_choice**.
 */
export function laneOf(
  edges: readonly { a: number; b: number; probability: number; flags: number }[],
  threshold: number,
): Lane {
  let conflict = false;
  const members = new Set<number>();
  const strong = new Set<number>();
  for (const e of edges) {
    if (e.flags & IDENTITY_CONFLICT || e.probability < threshold) return 'maybe_two_people';
    if (e.flags & VALUE_CONFLICT) conflict = true;
    members.add(e.a);
    members.add(e.b);
    if (e.flags & STRONG) {
      strong.add(e.a);
      strong.add(e.b);
    }
  }
  if (conflict) return 'needs_choice';
  return strong.size > 0 && strong.size === members.size ? 'safe' : 'needs_choice';
}

const cap = (s: string): string => s.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
/** Two values in a stable order, so the same pair always reads the same. */
const both = (x: string, y: string): string => [cap(x), cap(y)].sort().join('/');

/** One line a person can read: the strongest agreements, and what makes it look like two people. */
export function reasonFor(a: Features, b: Features, levels: Int8Array, swapped: boolean): string {
  const warn: string[] = [];
  const agree: string[] = [];
  if (a.suffix && b.suffix && a.suffix !== b.suffix) warn.push(`${cap(a.suffix)}./${cap(b.suffix)}. differ`);
  else if (a.suffix !== b.suffix) warn.push(`${cap(a.suffix || b.suffix)}. on one record only`);
  if (levels[0] === 5) warn.push(`different given names ${both(a.given, b.given)}`);
  if (levels[2] === 3)
    warn.push(
      a.dob.slice(4) === b.dob.slice(4) && a.dob.length === 10
        ? `born ${a.dob.slice(0, 4)} and ${b.dob.slice(0, 4)} on the same day`
        : 'different birthdays',
    );
  switch (levels[3]) {
    case 0:
      agree.push('same email');
      break;
    case 1:
      agree.push('same email once Gmail dots/+tags are ignored');
      break;
    case 2:
      agree.push('same email user name');
      break;
    case 3:
      agree.push('similar email');
      break;
  }
  if (swapped) agree.push('given and family names swapped');
  else if (levels[0] === 0 && levels[1] === 0) agree.push('same name');
  else {
    if (levels[0] === 1) agree.push(`nickname ${both(a.given, b.given)}`);
    else if (levels[0] === 0) agree.push('same given name');
    else if (levels[0] === 2 || levels[0] === 3) agree.push(`similar given names ${both(a.given, b.given)}`);
    else if (levels[0] === 4) agree.push('given initial matches');
    if (levels[1] === 0) agree.push('same family name');
    else if (levels[1] === 1 || levels[1] === 2)
      agree.push(`similar family names ${both(a.family, b.family)}`);
  }
  if (levels[4] === 0) agree.push('same phone');
  else if (levels[4] === 1) agree.push('phone numbers end alike');
  if (levels[2] === 0) agree.push('same birthday');
  else if (levels[2] === 1) agree.push('birthday off by one digit or day/month swapped');
  else if (levels[2] === 2) agree.push('birthdays within a year');
  if (levels[6] === 0) agree.push('same street address');
  else if (levels[6] === 1) agree.push('similar street address');
  else if (levels[5] === 0) agree.push('same postcode');
  if (levels[9] === 0) agree.push('same company');
  if (agree.length === 0 && levels[7] === 0) agree.push('same city');
  const parts = [...agree.slice(0, 4), ...warn];
  return parts.length ? parts.join('; ') : 'weak overall similarity';
}
