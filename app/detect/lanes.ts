import type { Features, Lane } from './types';

/** Pair flags, stored with each pair so lanes can be recomputed (preview) without the records. */
export const IDENTITY_CONFLICT = 1;
export const VALUE_CONFLICT = 2;
export const STRONG = 4;
export const SWAPPED = 8;
export const SHARES_IDENTIFIER = 16;

/** Fields holding one value per contact (a difference is a choice to make); emails and phones are unioned. */
const SINGLE_VALUED = [0, 1, 2, 5, 6, 7, 8, 9];

/** levels: given, family, dob, email, phone, postcode, street, locality, region, company */
export function pairFlags(a: Features, b: Features, levels: Int8Array, swapped: boolean): number {
  let flags = swapped ? SWAPPED : 0;
  const suffixClash = a.suffix !== '' && b.suffix !== '' && a.suffix !== b.suffix;
  if (suffixClash || levels[0] === 5 || levels[2] === 3) flags |= IDENTITY_CONFLICT;
  const middleClash = a.middle !== '' && b.middle !== '' && a.middle !== b.middle;
  if (SINGLE_VALUED.some((k) => levels[k]! > 0) || swapped || a.suffix !== b.suffix || middleClash)
    flags |= VALUE_CONFLICT;
  const nameExact = levels[0] === 0 && levels[1] === 0;
  if (levels[3] === 0 || levels[4] === 0) flags |= SHARES_IDENTIFIER;
  if (levels[3] === 0 || levels[4] === 0 || (nameExact && (levels[2] === 0 || levels[6] === 0)))
    flags |= STRONG;
  return flags;
}

export function laneOf(edges: readonly { probability: number; flags: number }[], threshold: number): Lane {
  let conflict = false;
  let strong = false;
  for (const e of edges) {
    if (e.flags & IDENTITY_CONFLICT || e.probability < threshold) return 'maybe_two_people';
    if (e.flags & VALUE_CONFLICT) conflict = true;
    if (e.flags & STRONG) strong = true;
  }
  if (conflict) return 'needs_choice';
  return strong ? 'safe' : 'needs_choice';
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
  if (levels[2] === 3) warn.push('different birthdays');
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
