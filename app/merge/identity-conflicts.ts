import type { CountryCode } from 'libphonenumber-js';
import type { SingleField } from './settings';
import { compareAll, FIELDS } from '../detect/compare';
import { extractFeatures } from '../detect/features';
import {
  BIRTHDAY_CONFLICT,
  GIVEN_CONFLICT,
  SUFFIX_CONFLICT,
  identityConflicts as pairIdentityConflicts,
} from '../detect/lanes';
import type { Features } from '../detect/types';

/** What a record needs for the check: its id and its single-value fields. */
export interface IdentityRecord {
  readonly contactId: string;
  readonly fields: Readonly<Partial<Record<SingleField, string | null>>>;
}

const GENERATION_WORDS: Readonly<Record<string, string>> = {
  sr: 'Sr.',
  jr: 'Jr.',
  ii: 'II',
  iii: 'III',
  iv: 'IV',
};

/** Only names and birthdays are compared here; phones, whose parsing needs a region, play no part. */
const NO_PHONES_REGION: CountryCode = 'US';

const clean = (v: string | null | undefined): string => (v ?? '').trim();

const list = (items: readonly string[]) =>
  items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

interface Checked {
  readonly record: IdentityRecord;
  readonly features: Features;
}

/**
 * Why the records of a group may belong to two different people, each said in words: different first names,
 * a Sr./Jr. (or II/III) that differs, different birthdays. Empty when nothing tells them apart. The judgement
 * is detection's own pair check (`app/detect/lanes.ts`), so the review and the lane never disagree about it.
 */
export function identityConflicts(records: readonly IdentityRecord[]): string[] {
  const checked: Checked[] = records.map((record) => ({
    record,
    features: extractFeatures(
      {
        id: record.contactId,
        givenName: record.fields.givenName ?? null,
        middleName: record.fields.middleName ?? null,
        familyName: record.fields.familyName ?? null,
        suffix: record.fields.suffix ?? null,
        birthday: record.fields.birthday ?? null,
      },
      NO_PHONES_REGION,
    ),
  }));
  const involved = new Map<number, Set<Checked>>([
    [GIVEN_CONFLICT, new Set()],
    [SUFFIX_CONFLICT, new Set()],
    [BIRTHDAY_CONFLICT, new Set()],
  ]);
  const levels = new Int8Array(FIELDS.length);
  for (let i = 0; i < checked.length; i++) {
    for (let j = i + 1; j < checked.length; j++) {
      const a = checked[i]!;
      const b = checked[j]!;
      const swapped = compareAll(a.features, b.features, levels);
      const flags = pairIdentityConflicts(a.features, b.features, levels, swapped);
      for (const [flag, set] of involved) {
        if (flags & flag) set.add(a).add(b);
      }
    }
  }
  const out: string[] = [];
  const given = [...involved.get(GIVEN_CONFLICT)!];
  if (given.length) {
    const byName = new Map<string, string[]>();
    for (const c of given) {
      const name = clean(c.record.fields.givenName);
      byName.set(name, [...(byName.get(name) ?? []), `#${c.record.contactId}`]);
    }
    out.push(
      `Different first names: ${list([...byName].map(([name, ids]) => `${name} (${ids.join(', ')})`))}`,
    );
  }
  if (involved.get(SUFFIX_CONFLICT)!.size) {
    const generations = checked.map(
      (c) => `${GENERATION_WORDS[c.features.suffix] ?? 'no suffix'} on #${c.record.contactId}`,
    );
    out.push(`Sr./Jr. differs: ${list(generations)}`);
  }
  const birthdays = [...involved.get(BIRTHDAY_CONFLICT)!];
  if (birthdays.length) {
    out.push(
      `Different birthdays: ${list(birthdays.map((c) => `${clean(c.record.fields.birthday).slice(0, 10)} (#${c.record.contactId})`))}`,
    );
  }
  return out;
}
