import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../domain/errors';
import { detect } from './engine';
import { clustersCsv, pairsCsv, parseContactsCsv, reviewPairs, type CsvField } from './csv';
import type { DetectRecord } from './types';
import type { DetectSettings } from './settings';
import type { CsvBytesAnalysis, CsvDelimiter, CsvLane, CsvRecordView } from './csv-view';

export type { CsvBytesAnalysis, CsvRecordView };

export const DELIMITER_LABELS: Record<CsvDelimiter, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'vertical bar',
};

export const CSV_FIELD_LABELS: Record<CsvField, string> = {
  id: 'Record id',
  email: 'Email',
  given: 'First name',
  family: 'Last name',
  middle: 'Middle name',
  phone: 'Phone',
  street_number: 'Street number',
  address_1: 'Street address',
  address_2: 'Address line 2',
  city: 'City',
  postcode: 'Postcode / ZIP',
  state: 'State / region',
  company: 'Company',
  birthday: 'Birthday',
  suffix: 'Suffix (Jr., Sr.)',
};

/** Export column names of CRMs that the header rules do not read on their own (Keap's address lines). */
const EXPORT_ALIASES: Partial<Record<CsvField, RegExp>> = {
  address_1: /^street_?address_?1$/,
  address_2: /^street_?address_?2$/,
};

/** At most `max` printable characters of something a file contained, for an error message. */
export function excerpt(text: string, max = 80): string {
  const clean = text.replace(/[^\x20-\x7e\u00a0-\uffff]/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

const canon = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_');

/** The delimiter of the header line: the candidate that splits it into the most columns outside quotes. */
export function sniffDelimiter(firstLine: string): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|'] as CsvDelimiter[]) {
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === d) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/**
 * A CSV export as bytes (an upload, a file the user chose) analysed for duplicates: UTF-8 text, the delimiter
 * sniffed from the header line, export column names recognised, and the best pairs with both records' values.
 */
export function analyseCsvBytes(
  bytes: Uint8Array,
  options: {
    readonly settings: DetectSettings;
    readonly map?: Record<string, string>;
    readonly linkage?: boolean;
  },
): CsvBytesAnalysis {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = sniffDelimiter(firstLine);
  const warnings: string[] = [];
  if (text.includes('\uFFFD')) warnings.push('Some characters are not UTF-8 and show as �.');
  let rows: string[][];
  try {
    rows = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const e = error as { lines?: number };
    throw new AppError(
      'INVALID_INPUT',
      `The CSV could not be read${e.lines ? ` at line ${e.lines}` : ''}: ${excerpt(lineAt(text, e.lines))}`,
      { line: e.lines ?? null },
    );
  }
  const header = rows[0] ?? [];
  const map: Record<string, string> = { ...options.map };
  for (const [field, pattern] of Object.entries(EXPORT_ALIASES)) {
    if (map[field] !== undefined) continue;
    const column = header.find((h) => pattern.test(canon(h)));
    if (column !== undefined && !Object.values(map).includes(column)) map[field] = column;
  }
  let parsed;
  try {
    parsed = parseContactsCsv(stringify(rows), map);
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, excerpt(error.message, 300));
    throw error;
  }
  const { records, columns } = parsed;
  const result = detect(records, { settings: options.settings, linkage: options.linkage ?? false });
  const pairs = reviewPairs(result, options.settings);
  const lanes: Record<CsvLane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  for (const g of result.groups) lanes[g.lane] += 1;
  const byId = new Map<string, DetectRecord>(records.map((r) => [r.id, r]));
  const view = (id: string): CsvRecordView => viewOf(byId.get(id), id);
  const recognised: Record<string, string[]> = {};
  for (const [field, idx] of Object.entries(columns.map))
    recognised[field] = (idx ?? []).map((i) => columns.header[i]!);
  return {
    records: records.length,
    encodingLabel: 'UTF-8',
    delimiter,
    delimiterLabel: DELIMITER_LABELS[delimiter],
    header: columns.header.map((h) => excerpt(h)),
    recognised,
    ignored: columns.ignored,
    fields: (Object.keys(CSV_FIELD_LABELS) as CsvField[]).map((field) => ({
      field,
      label: CSV_FIELD_LABELS[field],
    })),
    warnings,
    comparisons: result.stats.comparisons,
    pairs: pairs.length,
    groups: result.groups.length,
    lanes,
    preview: [...pairs]
      .sort((a, b) => b.score - a.score)
      .slice(0, 500)
      .map((r) => ({ ...r, lane: r.lane as CsvLane, a: view(r.idA), b: view(r.idB) })),
    pairsCsv: pairsCsv(pairs),
    clustersCsv: clustersCsv(result),
  };
}

function viewOf(r: DetectRecord | undefined, id: string): CsvRecordView {
  if (!r) return { id, name: '', email: '', phone: '', address: '' };
  const address = r.addresses?.[0];
  return {
    id,
    name: [r.givenName, r.middleName, r.familyName, r.suffix].filter(Boolean).join(' '),
    email: (r.emails ?? []).join(', '),
    phone: (r.phones ?? []).join(', '),
    address: address
      ? [
          address.streetNumber,
          address.line1,
          address.line2,
          address.locality,
          address.region,
          address.postcode,
        ]
          .filter(Boolean)
          .join(', ')
      : '',
  };
}

function lineAt(text: string, line: number | undefined): string {
  if (!line) return '';
  return text.split(/\r?\n/, line)[line - 1] ?? '';
}
