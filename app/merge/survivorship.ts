import type { FieldRule, SingleField, SurvivorRule, SurvivorshipSettings } from './settings';
import type { DefaultChoice } from './types';

/** The facts survivorship rules look at, per record. */
export interface SurvivorCandidate {
  readonly contactId: string;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly completeness: number;
}

const time = (iso: string | null): number => {
  if (!iso) return Number.NaN;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : Number.NaN;
};

/** Newest first; records without a date sort last. Ties keep input order (stable sort). */
function byRecent(a: SurvivorCandidate, b: SurvivorCandidate): number {
  const ta = time(a.updatedAt);
  const tb = time(b.updatedAt);
  if (Number.isNaN(ta) && Number.isNaN(tb)) return 0;
  if (Number.isNaN(ta)) return 1;
  if (Number.isNaN(tb)) return -1;
  return tb - ta;
}

function byOldest(a: SurvivorCandidate, b: SurvivorCandidate): number {
  const ta = time(a.createdAt);
  const tb = time(b.createdAt);
  if (Number.isNaN(ta) && Number.isNaN(tb)) return 0;
  if (Number.isNaN(ta)) return 1;
  if (Number.isNaN(tb)) return -1;
  return ta - tb;
}

const byComplete = (a: SurvivorCandidate, b: SurvivorCandidate) => b.completeness - a.completeness;

/** Orders candidates by a rule with the other rules as tie-breaks, so the outcome is deterministic. */
export function rankCandidates(rule: SurvivorRule, list: readonly SurvivorCandidate[]): SurvivorCandidate[] {
  const chain =
    rule === 'most_complete'
      ? [byComplete, byOldest, byRecent]
      : rule === 'most_recently_updated'
        ? [byRecent, byComplete, byOldest]
        : [byOldest, byComplete, byRecent];
  return [...list].sort((a, b) => {
    for (const cmp of chain) {
      const d = cmp(a, b);
      if (d !== 0) return d;
    }
    return a.contactId.localeCompare(b.contactId, 'en', { numeric: true });
  });
}

const SURVIVOR_REASON: Record<SurvivorRule, string> = {
  most_complete: 'most complete record',
  most_recently_updated: 'most recently updated record',
  oldest: 'oldest record',
};

export function pickSurvivor(
  rule: SurvivorRule,
  list: readonly SurvivorCandidate[],
): { contactId: string; reason: string } {
  const first = rankCandidates(rule, list)[0];
  if (!first) throw new Error('pickSurvivor needs at least one record');
  return {
    contactId: first.contactId,
    reason: `Survivor: ${SURVIVOR_REASON[rule]} (the survivor rule in Settings)`,
  };
}

const isEmpty = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === '';

export function fieldRuleFor(field: SingleField, settings: SurvivorshipSettings): FieldRule {
  return settings.fieldRules[field] ?? settings.defaultFieldRule;
}

/**
 * Chooses one value for a single-valued field. `records` are in column order with the survivor first; the
 * returned choice names the column and the rule, so the UI can say why.
 */
export function chooseValue(
  rule: FieldRule,
  records: readonly (SurvivorCandidate & { readonly value: string | null })[],
): DefaultChoice {
  const survivor = records[0];
  if (!survivor) return { contactId: null, rule, reason: 'No records' };
  const nonEmpty = records.filter((r) => !isEmpty(r.value));
  const distinct = new Set(nonEmpty.map((r) => r.value!.trim()));
  if (nonEmpty.length === 0) return { contactId: null, rule, reason: 'Empty on every record' };
  if (distinct.size === 1 && nonEmpty.length === records.length) {
    return { contactId: survivor.contactId, rule: 'identical', reason: 'Same on every record' };
  }
  if (distinct.size === 1) {
    const from = isEmpty(survivor.value) ? nonEmpty[0]! : survivor;
    return {
      contactId: from.contactId,
      rule: 'only_value',
      reason: from === survivor ? 'Only value (on the survivor)' : 'Only value, filled from another record',
    };
  }
  switch (rule) {
    case 'survivor':
      return { contactId: survivor.contactId, rule, reason: "Survivor's value (rule: survivor wins)" };
    case 'prefer_non_empty':
      return isEmpty(survivor.value)
        ? { contactId: nonEmpty[0]!.contactId, rule, reason: 'Survivor is empty: first non-empty value' }
        : { contactId: survivor.contactId, rule, reason: "Survivor's value (rule: prefer non-empty)" };
    case 'most_recent': {
      const r = [...nonEmpty].sort(byRecent)[0]!;
      return { contactId: r.contactId, rule, reason: 'From the most recently updated record' };
    }
    case 'oldest': {
      const r = [...nonEmpty].sort(byOldest)[0]!;
      return { contactId: r.contactId, rule, reason: 'From the oldest record' };
    }
    case 'most_complete': {
      const r = [...nonEmpty].sort(byComplete)[0]!;
      return { contactId: r.contactId, rule, reason: 'From the most complete record' };
    }
  }
}
