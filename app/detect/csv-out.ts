import { toCsv } from '../domain/csv-writer';
import type { DetectResult } from './engine';
import type { PairRow } from './csv';

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
      // A doubtful pair ("may also belong") repeats a record already in its group: the file stays a partition.
      if (grouped[m]) continue;
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
