import { doubleMetaphone } from '../talisman';
import { NICKNAMES_SOURCE } from '../data/nicknames';
import { fold, tokens } from './text';

const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'rev',
  'fr',
  'mme',
  'mlle',
  'herr',
]);
/** Generational suffixes: they tell two people apart (a father and son share name, address and landline). */
const SUFFIXES: Record<string, string> = {
  jr: 'jr',
  junior: 'jr',
  jnr: 'jr',
  sr: 'sr',
  senior: 'sr',
  snr: 'sr',
  ii: 'ii',
  '2nd': 'ii',
  iii: 'iii',
  '3rd': 'iii',
  iv: 'iv',
  '4th': 'iv',
};
/** Honorific/degree suffixes: dropped, they do not distinguish people. */
const NOISE_SUFFIXES = new Set(['phd', 'md', 'esq', 'dds', 'cpa', 'mba', 'rn']);

export interface ParsedName {
  /** First given token, folded ("" when absent). */
  readonly given: string;
  /** Remaining given tokens (middle names / initials). */
  readonly middle: string;
  readonly family: string;
  readonly suffix: string;
}

function takeSuffix(list: readonly string[]): { kept: string[]; suffix: string } {
  let suffix = '';
  const kept: string[] = [];
  for (const t of list) {
    const s = SUFFIXES[t];
    if (s) suffix = s;
    else if (!NOISE_SUFFIXES.has(t)) kept.push(t);
  }
  return { kept, suffix };
}

/** A given-name field: titles dropped, first token, the rest as middle names, a suffix after the first token. */
export function parseGiven(givenRaw: string | null | undefined): {
  given: string;
  middle: string;
  suffix: string;
} {
  let given = tokens(fold(givenRaw));
  while (given.length > 1 && TITLES.has(given[0]!)) given = given.slice(1);
  if (given.length === 1 && TITLES.has(given[0]!)) given = [];
  if (given.length <= 1) return { given: given[0] ?? '', middle: '', suffix: '' };
  const rest = takeSuffix(given.slice(1));
  return { given: given[0]!, middle: rest.kept.join(' '), suffix: rest.suffix };
}

/** A family-name field; a suffix is only recognised after the first token, so a family name "Sr" stays a name. */
export function parseFamily(familyRaw: string | null | undefined): { family: string; suffix: string } {
  const family = tokens(fold(familyRaw));
  if (family.length <= 1) return { family: family[0] ?? '', suffix: '' };
  const rest = takeSuffix(family.slice(1));
  return { family: [family[0]!, ...rest.kept].join(' '), suffix: rest.suffix };
}

export function parseSuffix(suffixRaw: string | null | undefined): string {
  if (!suffixRaw) return '';
  let suffix = '';
  for (const t of tokens(fold(suffixRaw))) if (SUFFIXES[t]) suffix = SUFFIXES[t];
  return suffix;
}

export function parseName(
  givenRaw: string | null | undefined,
  familyRaw: string | null | undefined,
  suffixRaw?: string | null,
): ParsedName {
  const given = parseGiven(givenRaw);
  const family = parseFamily(familyRaw);
  // The last suffix seen wins: the suffix field, then one inside the family name, then one inside the given name.
  const suffix = given.suffix || family.suffix || parseSuffix(suffixRaw);
  return { given: given.given, middle: given.middle, family: family.family, suffix };
}

let nicknameIndex: Map<string, number[]> | null = null;

/** Each canonical name and its nicknames form a group; a name can sit in several groups (Ron: Aaron, Ronald…). */
function nicknames(): Map<string, number[]> {
  if (nicknameIndex) return nicknameIndex;
  const index = new Map<string, number[]>();
  const add = (name: string, group: number) => {
    const list = index.get(name);
    if (!list) index.set(name, [group]);
    else if (list[list.length - 1] !== group) list.push(group);
  };
  let group = 0;
  for (const line of NICKNAMES_SOURCE.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    group += 1;
    add(line.slice(0, colon), group);
    for (const nick of line.slice(colon + 1).split(',')) if (nick) add(nick, group);
  }
  nicknameIndex = index;
  return index;
}

/** Nickname group ids of a folded given name, or null when the table does not know it. */
export function nicknameGroups(given: string): readonly number[] | null {
  return given ? (nicknames().get(given) ?? null) : null;
}

export function shareNickname(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (!a || !b) return false;
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

const metaphoneCache = new Map<string, string>();

/** Primary Double Metaphone code of a folded name (spaces removed), memoised: names repeat a lot. */
export function phonetic(name: string): string {
  if (!name) return '';
  const hit = metaphoneCache.get(name);
  if (hit !== undefined) return hit;
  let code: string;
  try {
    code = doubleMetaphone(name.replace(/[^a-z]/g, '').toUpperCase())[0] ?? '';
  } catch {
    code = '';
  }
  if (metaphoneCache.size > 200_000) metaphoneCache.clear();
  metaphoneCache.set(name, code);
  return code;
}
