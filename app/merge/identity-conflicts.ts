import type { SingleField } from './settings';

/** What a record needs for the check: its id and its single-value fields. */
export interface IdentityRecord {
  readonly contactId: string;
  readonly fields: Readonly<Partial<Record<SingleField, string | null>>>;
}

const GENERATIONS: Readonly<Record<string, string>> = {
  sr: 'Sr.',
  senior: 'Sr.',
  jr: 'Jr.',
  junior: 'Jr.',
  ii: 'II',
  iii: 'III',
  iv: 'IV',
};

const clean = (v: string | null | undefined): string => (v ?? '').trim();
const fold = (v: string): string =>
  v
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

function generation(r: IdentityRecord): string | null {
  const parts = [
    clean(r.fields.suffix),
    clean(r.fields.familyName)
      .split(/[\s,]+/)
      .pop() ?? '',
  ];
  for (const p of parts) {
    const g = GENERATIONS[p.toLowerCase().replace(/\./g, '')];
    if (g) return g;
  }
  return null;
}

/** A nickname, an initial or a longer form of the same name ("Jo", "J.", "Joanna") is not a conflict. */
function sameGivenName(a: string, b: string): boolean {
  const x = fold(a);
  const y = fold(b);
  return x === y || x.startsWith(y) || y.startsWith(x);
}

const list = (items: readonly string[]) =>
  items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/**
 * Why the records of a group may belong to two different people, each said in words: different first names,
 * a Sr./Jr. (or II/III) that differs, different birthdays. Empty when nothing tells them apart.
 */
export function identityConflicts(records: readonly IdentityRecord[]): string[] {
  const out: string[] = [];
  const given = records
    .map((r) => ({ id: r.contactId, name: clean(r.fields.givenName) }))
    .filter((g) => g.name);
  if (given.some((a) => given.some((b) => !sameGivenName(a.name, b.name)))) {
    const byName = new Map<string, string[]>();
    for (const g of given) byName.set(g.name, [...(byName.get(g.name) ?? []), `#${g.id}`]);
    out.push(
      `Different first names: ${list([...byName].map(([name, ids]) => `${name} (${ids.join(', ')})`))}`,
    );
  }
  const generations = records.map((r) => ({ id: r.contactId, g: generation(r) }));
  if (generations.some((g) => g.g) && new Set(generations.map((g) => g.g)).size > 1) {
    out.push(`Sr./Jr. differs: ${list(generations.map((g) => `${g.g ?? 'no suffix'} on #${g.id}`))}`);
  }
  const birthdays = records
    .map((r) => ({ id: r.contactId, day: clean(r.fields.birthday).slice(0, 10) }))
    .filter((b) => b.day);
  if (new Set(birthdays.map((b) => b.day)).size > 1) {
    out.push(`Different birthdays: ${list(birthdays.map((b) => `${b.day} (#${b.id})`))}`);
  }
  return out;
}
