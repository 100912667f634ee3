import { toCsv, type CsvCell } from '../domain/csv-writer';
import type { DetectResult } from './engine';
import type { PairRow } from './csv';

/**
 * A cell `toCsv` writes exactly as it is: nothing to quote (no quote, comma or line break) and no start the formula
 * rule prefixes. Ids and scores nearly always are; any other row is written by `toCsv` itself, so the escaping
 * rules stay in one place and the file is the same byte for byte.
 */
const PLAIN = /^(?:[^=+\-@\t\r\n",][^\t\r\n",]*)?$/;

/** A million rows through csv-stringify cost seconds: plain rows are joined here, the rest go through `toCsv`. */
class CsvText {
  private readonly header: string;
  private readonly parts: string[] = [];
  private chunk = '';
  private rows = 0;

  constructor(private readonly columns: readonly string[]) {
    this.header = toCsv(columns, []);
  }

  row(cells: readonly (string | number)[]): void {
    let line = '';
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]!;
      const text = typeof c === 'number' && Number.isFinite(c) ? String(c) : c;
      if (typeof text !== 'string' || !PLAIN.test(text)) {
        line = toCsv(this.columns, [cells as readonly CsvCell[]]).slice(this.header.length);
        break;
      }
      line += i === 0 ? text : `,${text}`;
      if (i === cells.length - 1) line += '\n';
    }
    this.chunk += line;
    if (++this.rows % 16384 === 0) {
      this.parts.push(this.chunk);
      this.chunk = '';
    }
  }

  text(): string {
    return this.header + this.parts.join('') + this.chunk;
  }
}

export function pairsCsv(rows: readonly PairRow[]): string {
  const out = new CsvText(['id_a', 'id_b', 'score', 'lane']);
  for (const r of rows) out.row([r.idA, r.idB, r.score.toFixed(4), r.lane]);
  return out.text();
}

/** Every record with its group; records in no group get a group of their own so the file is a full partition. */
export function clustersCsv(result: Pick<DetectResult, 'groups' | 'features'>): string {
  const out = new CsvText(['id', 'group']);
  const grouped = new Uint8Array(result.features.length);
  result.groups.forEach((g, gi) => {
    for (const m of g.members) {
      // A doubtful pair ("may also belong") repeats a record already in its group: the file stays a partition.
      if (grouped[m]) continue;
      out.row([result.features[m]!.id, gi + 1]);
      grouped[m] = 1;
    }
  });
  let next = result.groups.length;
  result.features.forEach((f, i) => {
    if (!grouped[i]) out.row([f.id, ++next]);
  });
  return out.text();
}
