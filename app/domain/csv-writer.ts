import { stringify } from 'csv-stringify/sync';

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`), and
 * tab or carriage return can hide such a start. OWASP's rule: prefix the cell with a single quote, which a
 * spreadsheet shows as text and does not display.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number | boolean | null | undefined;

/** One cell as written: text that a spreadsheet would run is made inert; numbers are left as numbers. */
export function escapeCell(cell: CsvCell): string | number {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : String(cell);
  const text = String(cell);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Every CSV Mergedesk writes goes through here, so the formula rule holds in one place for all of them. */
export function toCsv(columns: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify(
    rows.map((row) => row.map(escapeCell)),
    { header: true, columns: columns.map((c) => String(escapeCell(c))) },
  );
}
