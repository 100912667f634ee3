import type { AccessSettings } from './settings';

export interface TagInfo {
  readonly id: string;
  readonly name: string;
  readonly category: string | null;
}

export interface TagClass {
  readonly access: boolean;
  readonly revoke: boolean;
  readonly automation: boolean;
}

const lower = (s: string) => s.toLocaleLowerCase('en');
const matchesAny = (text: string, patterns: readonly string[]) => {
  const t = lower(text);
  return patterns.some((p) => t.includes(lower(p)));
};

/**
 * Classifies a tag by the 'access' settings. A revoke/cancel tag is never an access tag even when its name or
 * category says "course": "Course A – Cancelled" removes access, it does not grant it.
 */
export function classifyTag(tag: TagInfo, settings: AccessSettings): TagClass {
  const category = tag.category ? lower(tag.category) : '';
  const revoke = matchesAny(tag.name, settings.revokeNamePatterns);
  const accessByCategory = settings.accessCategories.some((c) => lower(c) === category);
  const access = !revoke && (accessByCategory || matchesAny(tag.name, settings.accessNamePatterns));
  const automation =
    settings.automationCategories.some((c) => lower(c) === category) ||
    matchesAny(tag.name, settings.automationNamePatterns);
  return { access, revoke, automation };
}

export interface TagConflict {
  readonly accessTagId: string;
  readonly accessOn: readonly string[];
  readonly revokeTagId: string;
  readonly revokeOn: readonly string[];
}

/**
 * An access tag on one record and a revoke tag on another: after the union the member carries both, and which
 * wins depends on the site's rules. Reported so the reviewer decides rather than the merge.
 */
export function accessConflicts(
  tagsByRecord: ReadonlyMap<string, readonly string[]>,
  classes: ReadonlyMap<string, TagClass>,
): TagConflict[] {
  const holders = new Map<string, string[]>();
  for (const [contactId, tagIds] of tagsByRecord) {
    for (const t of tagIds) {
      const list = holders.get(t) ?? [];
      list.push(contactId);
      holders.set(t, list);
    }
  }
  const accessTags = [...holders].filter(([t]) => classes.get(t)?.access);
  const revokeTags = [...holders].filter(([t]) => classes.get(t)?.revoke);
  const conflicts: TagConflict[] = [];
  for (const [a, aOn] of accessTags) {
    for (const [r, rOn] of revokeTags) {
      // Only across records: both on the same record is the site's existing state, not something a merge creates.
      if (rOn.some((c) => !aOn.includes(c)) || aOn.some((c) => !rOn.includes(c))) {
        conflicts.push({ accessTagId: a, accessOn: aOn, revokeTagId: r, revokeOn: rOn });
      }
    }
  }
  return conflicts;
}
