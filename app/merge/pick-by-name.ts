import { AppError } from '../domain/errors';
import type { CrmAutomation, CrmSequence, SequenceRef } from '../ports/crm';

/**
 * Automations and sequences typed by a person (the CLI's `--automation "Welcome series"`) matched against what
 * the CRM lists: an id, or a name regardless of case. A name two of them share is refused with their ids, and an
 * unknown one with the names on offer, so nothing is guessed.
 */
const same = (a: string, b: string) =>
  a.trim().localeCompare(b.trim(), undefined, { sensitivity: 'accent' }) === 0;

function offeredNames(names: readonly string[]): string {
  const shown = names.slice(0, 20).map((n) => `"${n}"`);
  return names.length > 20 ? `${shown.join(', ')} and ${names.length - 20} more` : shown.join(', ');
}

export function pickAutomations(wanted: readonly string[], offered: readonly CrmAutomation[]): string[] {
  return [
    ...new Set(
      wanted.map((w) => {
        const byId = offered.find((a) => a.id === w.trim());
        if (byId) return byId.id;
        const byName = offered.filter((a) => same(a.name, w));
        if (byName.length === 1) return byName[0]!.id;
        if (byName.length > 1)
          throw new AppError(
            'INVALID_INPUT',
            `${byName.length} automations are called "${w}" (ids ${byName.map((a) => a.id).join(', ')}): give the id instead.`,
          );
        throw new AppError(
          'INVALID_INPUT',
          offered.length === 0
            ? `The CRM lists no automation, so "${w}" cannot be added.`
            : `No automation is called "${w}". The CRM offers ${offeredNames(offered.map((a) => a.name))}.`,
        );
      }),
    ),
  ];
}

/** A sequence by its id, its name, or "Campaign / Sequence" when two campaigns use the same name. */
export function pickSequences(wanted: readonly string[], offered: readonly CrmSequence[]): SequenceRef[] {
  const ref = (s: CrmSequence): SequenceRef => ({ campaignId: s.campaignId, sequenceId: s.sequenceId });
  const label = (s: CrmSequence) => `${s.campaignName} / ${s.name}`;
  const picked = wanted.map((w) => {
    const byId = offered.filter((s) => s.sequenceId === w.trim());
    if (byId.length === 1) return ref(byId[0]!);
    const byName = offered.filter((s) => same(s.name, w) || same(label(s), w));
    if (byName.length === 1) return ref(byName[0]!);
    const many = byId.length > 1 ? byId : byName;
    if (many.length > 1)
      throw new AppError(
        'INVALID_INPUT',
        `"${w}" matches ${many.length} sequences (${many.map((s) => `"${label(s)}"`).join(', ')}): give it as "Campaign / Sequence".`,
      );
    throw new AppError(
      'INVALID_INPUT',
      offered.length === 0
        ? `The CRM lists no published sequence, so "${w}" cannot be added.`
        : `No sequence is called "${w}". The CRM offers ${offeredNames(offered.map(label))}.`,
    );
  });
  const seen = new Set<string>();
  return picked.filter((p) => {
    const key = `${p.campaignId ?? ''}/${p.sequenceId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
