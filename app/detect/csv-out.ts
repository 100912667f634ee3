import { toCsv as writeCsv } from '../domain/csv-writer';
import type { DetectResult } from './engine';
import type { PairRow } from './csv';

/**
 * Every CSV Mergedesk writes goes through `toCsv`, so a rule about cell content (a value a spreadsheet would run
 * as a formula) is applied in one place.
 */
export function toCsv(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return writeCsv(columns, rows);
}

export function pairsCsv(rows: readonly PairRow[]): string {
  return toCsv(
    ['id_a', 'id_b', 'score', 'lane'],
    rows.map((r) => [r.idA, r.idB, r.score.toFixed(4), r.lane]),
  );
}

/** Every record with its group; records in no group get a group of their own so the file is a full partition. */
export function clustersCsv(result: Pick<DetectResult, 'groups' | 'features'>): string {
  const rows: [string, number][] = [];
  const grouped = new Uint8Array(result.features.length);
  result.groups.forEach((g, gi) => {
    for (const m of g.members) {
      rows.push([result.features[m]!.id, gi + 1]);
      grouped[m] = 1;
    }
  });
  let next = result.groups.length;
  result.features.forEach((f, i) => {
    if (!grouped[i]) rows.push([f.id, ++next]);
  });
  return toCsv(['id', 'group'], rows);
}
