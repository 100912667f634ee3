import type { Readable } from 'node:stream';
import type { CountryCode } from 'libphonenumber-js/min';
import { AppError } from '../domain/errors';
import type { DetectRecord, Features, Lane } from './types';
import { detectFeatures, type CancelToken, type DetectResult } from './engine';
import { extractFeatures, FeatureMemo } from './features';
import { scorePair } from './model';
import type { DetectSettings } from './settings';
import type { CsvBytesAnalysis, CsvRecordView } from './csv-view';
import type { RuleReport } from './blocking';
import {
  CsvDecoder,
  DELIMITER_LABELS,
  ENCODING_LABELS,
  excerpt,
  sniffDelimiter,
  type CsvDelimiter,
  type CsvEncoding,
} from './csv-decode';
import { clustersCsv, pairsCsv } from './csv-out';
import { fastE164, NANP_REGIONS } from './csv-phone';
import { CsvRowSplitter, splitCsv } from './csv-rows';

export { clustersCsv, pairsCsv };
export type CsvField =
  | 'id'
  | 'email'
  | 'given'
  | 'family'
  | 'middle'
  | 'phone'
  | 'street_number'
  | 'address_1'
  | 'address_2'
  | 'city'
  | 'postcode'
  | 'state'
  | 'company'
  | 'birthday'
  | 'suffix';

/**
 * Header spellings recognised per field, after lower-casing and turning spaces/dashes/dots into "_". Besides the
 * generic names, the column names of real CRM exports: Keap ("Id", "First Name", "Last Name", "Email",
 * "Email 2", "Phone 1", "Street Address 1", "Postal Code", "Birthday"…; its "Phone 1 Type", "Phone 1 Ext" and
 * second address are not contact values we compare) and ActiveCampaign ("Contact Id", "Email", "First Name",
 * "Last Name", "Phone", "Organization"/"Account", "Address", "Zip Code"…).
 */
const RECOGNISED: Record<CsvField, RegExp> = {
  id: /^(id|rec_?id|record_?id|contact_?id|unique_?id|uid|subscriber_?id|customer_?id)$/,
  email:
    /^(e_?mail|email_?address|e_?mail_?\d|email_?address_?\d|primary_?email|email_?\d_?address|work_?email|personal_?email)$/,
  given: /^(given_?name|first_?name|firstname|forename|first)$/,
  family: /^(family_?name|surname|last_?name|lastname|last)$/,
  middle: /^(middle_?name|middle_?initial)$/,
  phone:
    /^(phone|phone_?number|telephone|tel|mobile|mobile_?phone|mobile_?number|mobile_?phone_?number|cell|cell_?phone|phone_?\d|work_?phone|home_?phone|phone_?number_?\d)$/,
  street_number: /^(street_?number|house_?number|street_?no)$/,
  address_1:
    /^(address_?1|address_?line_?1|street|street_?address|street_?address_?1|street_?1|address|addr|billing_?address_?1|billing_?street)$/,
  address_2: /^(address_?2|address_?line_?2|street_?address_?2|street_?2|billing_?address_?2)$/,
  city: /^(city|suburb|locality|town|billing_?city)$/,
  postcode:
    /^(postcode|post_?code|postal_?code|postalcode|zip|zip_?code|zipcode|zip_?postal_?code|billing_?zip|billing_?postal_?code)$/,
  state: /^(state|region|province|county|state_?province|billing_?state)$/,
  company:
    /^(company|company_?name|organisation|organization|organisation_?name|organization_?name|account|account_?name|employer)$/,
  birthday: /^(birthday|birth_?date|date_?of_?birth|dob)$/,
  suffix: /^(suffix|name_?suffix)$/,
};

export const CSV_FIELDS = Object.keys(RECOGNISED) as CsvField[];

/** The words a mapping step shows for each field. */
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

export interface CsvColumns {
  /** Column indexes per field (several for emails and phones). */
  readonly map: Partial<Record<CsvField, number[]>>;
  readonly header: string[];
  /** Columns no field uses: what a mapping step offers to assign. */
  readonly ignored: string[];
}

const canon = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.#()]+/g, '_')
    .replace(/^_+|_+$/g, '');

export function recogniseColumns(
  header: readonly string[],
  overrides: Record<string, string> = {},
): CsvColumns {
  const map: Partial<Record<CsvField, number[]>> = {};
  const used = new Set<number>();
  for (const [field, column] of Object.entries(overrides)) {
    if (!CSV_FIELDS.includes(field as CsvField)) {
      throw new AppError(
        'INVALID_INPUT',
        `Unknown field "${excerpt(field, 40)}" in the column mapping; use one of: ${CSV_FIELDS.join(', ')}.`,
      );
    }
    const idx = header.findIndex((h) => canon(h) === canon(column));
    if (idx < 0)
      throw new AppError(
        'INVALID_INPUT',
        `Mapping ${field}=${excerpt(column, 40)}: the CSV has no column "${excerpt(column, 40)}".`,
      );
    map[field as CsvField] = [idx];
    used.add(idx);
  }
  header.forEach((h, idx) => {
    if (used.has(idx)) return;
    const c = canon(h);
    for (const field of CSV_FIELDS) {
      if (overrides[field] !== undefined) continue;
      if (!RECOGNISED[field].test(c)) continue;
      const multi = field === 'email' || field === 'phone';
      if (!map[field]) map[field] = [idx];
      else if (multi) map[field]!.push(idx);
      else continue;
      used.add(idx);
      break;
    }
  });
  return { map, header: [...header], ignored: header.filter((_, i) => !used.has(i)) };
}

/** Field → the header names it reads, for people (the renderer's mapping step, the CLI summary). */
export function recognisedNames(columns: CsvColumns): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, idx] of Object.entries(columns.map))
    out[field] = (idx ?? []).map((i) => columns.header[i]!);
  return out;
}

/** A cell's value, or null when the column is absent (-1) or the cell empty. */
const cell = (row: readonly string[], i: number): string | null => (i < 0 ? null : row[i] || null);

/** The non-empty cells of these columns. */
function cells(row: readonly string[], columns: readonly number[]): string[] {
  const out: string[] = [];
  for (const i of columns) {
    const v = row[i];
    if (v) out.push(v);
  }
  return out;
}

/** Where each record field is read from, looked up once per file rather than once per row. */
interface RowPlan {
  readonly id: number;
  readonly given: number;
  readonly middle: number;
  readonly family: number;
  readonly suffix: number;
  readonly company: number;
  readonly birthday: number;
  readonly streetNumber: number;
  readonly line1: number;
  readonly line2: number;
  readonly city: number;
  readonly state: number;
  readonly postcode: number;
  readonly emails: readonly number[];
  readonly phones: readonly number[];
}

function planOf(columns: CsvColumns): RowPlan {
  const m = columns.map;
  const one = (f: CsvField) => m[f]?.[0] ?? -1;
  return {
    id: one('id'),
    given: one('given'),
    middle: one('middle'),
    family: one('family'),
    suffix: one('suffix'),
    company: one('company'),
    birthday: one('birthday'),
    streetNumber: one('street_number'),
    line1: one('address_1'),
    line2: one('address_2'),
    city: one('city'),
    state: one('state'),
    postcode: one('postcode'),
    emails: m.email ?? [],
    phones: m.phone ?? [],
  };
}

/** Turns parsed rows into records: the header decides the columns. */
class RowReader {
  columns: CsvColumns | null = null;
  private plan: RowPlan | null = null;
  private rows = 0;

  private readonly nanp: boolean;

  constructor(
    private readonly overrides: Record<string, string>,
    region?: string,
  ) {
    this.nanp = region !== undefined && NANP_REGIONS.has(region);
  }

  header(row: string[]): void {
    if (row.every((h) => h === ''))
      throw new AppError('INVALID_INPUT', 'The CSV is empty: it needs a header row.');
    const columns = recogniseColumns(row, this.overrides);
    const m = columns.map;
    const has = (f: CsvField) => (m[f]?.length ?? 0) > 0;
    if (!has('email') && !has('given') && !has('family') && !has('phone')) {
      throw new AppError(
        'INVALID_INPUT',
        `No contact columns recognised in the header ("${excerpt(row.join(', '))}"). Expected e.g. Email, First Name, Last Name, Phone; or map the columns.`,
        { header: row.slice(0, 200).map((h) => excerpt(h, 60)) },
      );
    }
    this.columns = columns;
    this.plan = planOf(columns);
  }

  record(row: string[]): DetectRecord {
    const p = this.plan!;
    const phones = cells(row, p.phones);
    const index = this.rows++;
    const id = cell(row, p.id) ?? String(index + 1);
    const streetNumber = cell(row, p.streetNumber);
    const line1 = cell(row, p.line1);
    const line2 = cell(row, p.line2);
    const locality = cell(row, p.city);
    const region = cell(row, p.state);
    const postcode = cell(row, p.postcode);
    return {
      id,
      givenName: cell(row, p.given),
      middleName: cell(row, p.middle),
      familyName: cell(row, p.family),
      suffix: cell(row, p.suffix),
      company: cell(row, p.company),
      birthday: cell(row, p.birthday),
      emails: cells(row, p.emails),
      phones,
      ...(this.nanp && phones.length ? { phonesE164: phones.map((v) => fastE164(v) ?? null) } : {}),
      addresses:
        streetNumber || line1 || line2 || locality || region || postcode
          ? [{ streetNumber, line1, line2, locality, region, postcode }]
          : [],
    };
  }
}

/**
 * Repeated ids: the first row keeps the id and each later row becomes "<id> (line N)", made unique against every
 * id of the file, so a renamed copy can never take a real record's id. Returns the renames and the warning.
 */
export function dedupeIds(
  ids: readonly string[],
  lines: ArrayLike<number>,
): { renames: Map<number, string>; duplicateIds: number; warning: string | null } {
  if (distinctNumbers(ids)) return { renames: new Map(), duplicateIds: 0, warning: null };
  const seen = new Map<string, number>();
  const repeats: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (seen.has(id)) repeats.push(i);
    else seen.set(id, lines[i]!);
  }
  const renames = new Map<number, string>();
  if (repeats.length === 0) return { renames, duplicateIds: 0, warning: null };
  const originals = new Set<string>();
  for (const i of repeats) {
    const id = ids[i]!;
    originals.add(id);
    let candidate = `${id} (line ${lines[i]})`;
    for (let k = 2; seen.has(candidate); k++) candidate = `${id} (line ${lines[i]}, copy ${k})`;
    seen.set(candidate, lines[i]!);
    renames.set(i, candidate);
  }
  const e = repeats[0]!;
  const distinct = originals.size;
  const warning =
    `${distinct === 1 ? '1 id appears' : `${distinct} ids appear`} more than once (${repeats.length} extra ` +
    `${repeats.length === 1 ? 'row' : 'rows'}; e.g. "${excerpt(ids[e]!, 40)}" on lines ${seen.get(ids[e]!)} and ${lines[e]}). ` +
    `Each later row was kept as its own record under "<id> (line N)", e.g. "${excerpt(renames.get(e)!, 60)}", which no row of the file uses.`;
  return { renames, duplicateIds: repeats.length, warning };
}

/**
 * Whether every id is a plain decimal number (no sign, no leading zero) and no two are equal: a CRM export's ids
 * nearly always are, and sorting their values is a small part of what a map of a million id strings costs. Any
 * other id, or a repeat, leaves the answer to the map.
 */
function distinctNumbers(ids: readonly string[]): boolean {
  const values = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const n = id.length;
    if (n === 0 || n > 15 || (n > 1 && id.charCodeAt(0) === 48)) return false;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const d = id.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
    }
    values[i] = v;
  }
  values.sort();
  for (let i = 1; i < values.length; i++) if (values[i] === values[i - 1]) return false;
  return true;
}

interface CsvParseErrorLike {
  message?: string;
  code?: string;
  lines?: number;
  record?: unknown;
}

function csvError(error: unknown, headerLength: number | null): AppError {
  if (error instanceof AppError) return error;
  const e = error as CsvParseErrorLike;
  const line = typeof e.lines === 'number' ? e.lines : null;
  const record = Array.isArray(e.record) ? (e.record as unknown[]).map(String) : null;
  const at = line ? ` at line ${line}` : '';
  let reason: string;
  switch (e.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      reason = `the line has ${record?.length ?? 'a different number of'} fields where the header has ${headerLength ?? 'another number'}`;
      break;
    case 'CSV_QUOTE_NOT_CLOSED':
      reason = 'a quoted field opened here is never closed';
      break;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      reason = 'there is text after a closing quote';
      break;
    case 'CSV_INVALID_OPENING_QUOTE':
      reason = 'a quote sits inside a field that is not quoted';
      break;
    case 'CSV_MAX_RECORD_SIZE':
      reason = 'a field is too long to be a contact value';
      break;
    default:
      reason = 'this is not valid CSV';
  }
  const shown = record ? excerpt(record.join(', ')) : '';
  return new AppError(
    'INVALID_INPUT',
    `The CSV could not be read${at}: ${reason}.${shown ? ` The line begins "${shown}".` : ''}`,
    { line, code: e.code ?? null },
  );
}

export interface ParsedCsv {
  readonly records: DetectRecord[];
  readonly columns: CsvColumns;
  readonly warnings: string[];
}

/**
 * Parses CSV text with a header row (small files, tests, the quality benchmark). A broken file is refused with the
 * line it broke on; nothing is guessed. Large files go through `readContactsCsv`, which streams.
 */
export function parseContactsCsv(text: string, overrides: Record<string, string> = {}): ParsedCsv {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new RowReader(overrides);
  const records: DetectRecord[] = [];
  const lines: number[] = [];
  try {
    splitCsv(text.replace(/^\uFEFF/, ''), sniffDelimiter(bytes), (row, line) => {
      if (!reader.columns) reader.header(row);
      else {
        records.push(reader.record(row));
        lines.push(line);
      }
    });
  } catch (error) {
    throw csvError(error, reader.columns?.header.length ?? null);
  }
  if (!reader.columns) throw new AppError('INVALID_INPUT', 'The CSV is empty: it needs a header row.');
  const done = dedupeIds(
    records.map((r) => r.id),
    lines,
  );
  for (const [index, id] of done.renames) records[index] = { ...records[index]!, id };
  return { records, columns: reader.columns, warnings: done.warning ? [done.warning] : [] };
}

/** Bytes of a CSV: a stream (a file, an upload) or a buffer. */
export type CsvSource = Readable | Uint8Array | AsyncIterable<Uint8Array>;

export interface CsvReadOptions {
  readonly map?: Record<string, string>;
  readonly region: string;
  /** Refuse past this many bytes (a device or FIFO never ends). */
  readonly maxBytes?: number;
  /** For progress: the size when known. */
  readonly totalBytes?: number;
  /** Stop after this many data rows (a mapping step's sample). */
  readonly limitRows?: number;
  /** Keep each record's display line (default); an analysis that shows no pair (the CLI's) does without. */
  readonly display?: boolean;
  readonly signal?: CancelToken;
  readonly onProgress?: (phase: string, done: number, total: number | null) => void;
}

export type { CsvRecordView };

export interface CsvContacts {
  readonly features: Features[];
  readonly columns: CsvColumns;
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
  readonly warnings: string[];
  readonly duplicateIds: number;
  readonly bytes: number;
  /** One display line per record (fields joined by U+001F), for showing a pair side by side; empty when not asked. */
  readonly display: string[];
  /** The first rows as read, when `limitRows` was given. */
  readonly sample: string[][];
}

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

async function* chunksOf(source: CsvSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i += 1 << 20)
      yield source.subarray(i, Math.min(source.length, i + (1 << 20)));
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>)
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** A file as read: the features and, per record, its line and display string. */
interface CsvRows {
  readonly features: Features[];
  readonly lines: number[];
  readonly display: string[];
  readonly header: string[];
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
  readonly warnings: string[];
  readonly bytes: number;
  readonly sample: string[][];
}

/**
 * Streams a CSV export into normalised features, row by row: the encoding is found from the bytes (BOM, else
 * UTF-8, else Windows-1252), the delimiter from the header line, and no row object outlives its row.
 */
async function readCsvRows(source: CsvSource, options: CsvReadOptions): Promise<CsvRows> {
  const decoder = new CsvDecoder();
  const reader = new RowReader(options.map ?? {}, options.region);
  const memo = new FeatureMemo();
  const region = options.region as CountryCode;
  const features: Features[] = [];
  const lines: number[] = [];
  const display: string[] = [];
  const keepDisplay = options.display !== false;
  const sample: string[][] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let delimiter: CsvDelimiter | null = null;
  let splitter: CsvRowSplitter | null = null;
  const text = new TextDecoder('utf-8');
  let bytes = 0;
  const limit = options.limitRows ?? Infinity;
  const onRecord = (row: string[], at: number): void => {
    if (!reader.columns) {
      reader.header(row);
      return;
    }
    const record = reader.record(row);
    features.push(extractFeatures(record, region, memo));
    lines.push(at);
    if (keepDisplay) display.push(displayOf(record));
    if (options.limitRows !== undefined) {
      sample.push(row.map((v) => excerpt(v, 80)));
      if (sample.length >= limit) splitter!.halted = true;
    }
    if ((features.length & 0x3fff) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.('reading', bytes, options.totalBytes ?? null);
    }
  };
  const feed = (parts: Uint8Array[]) => {
    for (const part of parts) {
      if (part.length === 0) continue;
      if (!splitter) {
        delimiter = sniffDelimiter(part);
        splitter = new CsvRowSplitter(delimiter, onRecord);
      }
      splitter.push(text.decode(part, { stream: true }));
    }
  };
  try {
    for await (const chunk of chunksOf(source)) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        throw new AppError('INVALID_INPUT', `The CSV is larger than ${Math.round(maxBytes / 1024 ** 2)} MB.`);
      feed(decoder.push(chunk));
      if ((splitter as CsvRowSplitter | null)?.halted) break;
    }
    if (!(splitter as CsvRowSplitter | null)?.halted) {
      feed(decoder.end());
      const rest = text.decode();
      if (splitter) {
        const s = splitter as CsvRowSplitter;
        if (rest) s.push(rest);
        s.end();
      }
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw csvError(error, reader.columns?.header.length ?? null);
  }
  if (!reader.columns) throw new AppError('INVALID_INPUT', 'The CSV is empty: it needs a header row.');
  return {
    features,
    lines,
    display,
    header: reader.columns.header,
    encoding: decoder.encoding ?? 'utf-8',
    delimiter: delimiter ?? ',',
    warnings: decoder.warnings,
    bytes,
    sample,
  };
}

/**
 * Reads a CSV export into features on this thread. (Cutting a file in two and reading the second half in another
 * thread was measured and taken out: handing a half's records across costs about what reading them does, and the
 * collector already works on the second core. On 2 cores, one thread read 100k CRM-style rows in 1.8–2.1 s
 * against 2.6–2.7 s, 500k in 7.2–8.6 s against 8.6–8.8 s and 1M in 13.3 s against 18.2 s, with 60–70 MB less peak
 * memory.)
 */
export async function readContactsCsv(source: CsvSource, options: CsvReadOptions): Promise<CsvContacts> {
  const read = await readCsvRows(source, options);
  const { features, lines, display } = read;
  const columns = recogniseColumns(read.header, options.map ?? {});
  const done = dedupeIds(
    features.map((f) => f.id),
    lines,
  );
  for (const [index, id] of done.renames) {
    (features[index] as { id: string }).id = id;
    if (display.length === 0) continue;
    const fields = display[index]!.split('\u001f');
    fields[0] = id;
    display[index] = fields.join('\u001f');
  }
  const warnings = [...new Set(read.warnings)];
  if (done.warning) warnings.push(done.warning);
  return {
    features,
    columns,
    encoding: read.encoding,
    delimiter: read.delimiter,
    warnings,
    duplicateIds: done.duplicateIds,
    bytes: read.bytes,
    display,
    sample: read.sample,
  };
}

function displayOf(r: DetectRecord): string {
  const a = r.addresses?.[0];
  const address = a
    ? [[a.streetNumber, a.line1].filter(Boolean).join(' '), a.line2, a.locality, a.region, a.postcode]
        .filter(Boolean)
        .join(', ')
    : '';
  const name = [r.givenName, r.middleName, r.familyName, r.suffix].filter(Boolean).join(' ');
  return [r.id, name, r.emails?.[0] ?? '', r.phones?.[0] ?? '', address].join('\u001f');
}

function viewOf(line: string): CsvRecordView {
  const [id = '', name = '', email = '', phone = '', address = ''] = line.split('\u001f');
  return { id, name, email, phone, address };
}

/** What a mapping step needs before an analysis: the columns as recognised, the unknown ones and a sample. */
export interface CsvInspection {
  readonly encoding: CsvEncoding;
  readonly encodingLabel: string;
  readonly delimiter: CsvDelimiter;
  readonly delimiterLabel: string;
  readonly header: string[];
  readonly recognised: Record<string, string[]>;
  readonly unknown: string[];
  readonly fields: { readonly field: CsvField; readonly label: string }[];
  readonly sample: string[][];
  readonly warnings: string[];
}

export async function inspectCsv(
  source: CsvSource,
  options: { readonly map?: Record<string, string>; readonly region?: string; readonly sampleRows?: number },
): Promise<CsvInspection> {
  const read = await readContactsCsv(source, {
    region: options.region ?? 'US',
    limitRows: options.sampleRows ?? 5,
    ...(options.map ? { map: options.map } : {}),
  });
  return {
    ...howRead(read),
    fields: CSV_FIELDS.map((field) => ({ field, label: CSV_FIELD_LABELS[field] })),
    unknown: read.columns.ignored,
    sample: read.sample,
    warnings: read.warnings,
  };
}

export interface CsvAnalyseOptions {
  readonly settings: DetectSettings;
  readonly map?: Record<string, string>;
  readonly linkage?: boolean;
  readonly maxBytes?: number;
  readonly totalBytes?: number;
  /** Pairs returned for an on-screen table (best first); every pair is in `pairsCsv`. */
  readonly previewLimit?: number;
  readonly signal?: CancelToken;
  readonly onProgress?: (phase: string, done: number, total: number | null) => void;
}

export interface CsvPreviewPair {
  readonly idA: string;
  readonly idB: string;
  readonly score: number;
  readonly lane: Lane;
  readonly group: number;
  readonly a: CsvRecordView;
  readonly b: CsvRecordView;
}

/** The result of a CSV analysis: plain data, so it crosses a worker boundary and the contract as it is. */
export interface CsvAnalysisResult extends CsvBytesAnalysis {
  readonly encoding: CsvEncoding;
  readonly fields: { readonly field: CsvField; readonly label: string }[];
  readonly duplicateIds: number;
  readonly rules: RuleReport[];
  readonly preview: CsvPreviewPair[];
  readonly millis: number;
}

/** How a file was read, as both the inspection and the analysis report it. */
function howRead(read: {
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
  readonly columns: Parameters<typeof recognisedNames>[0];
}) {
  return {
    encoding: read.encoding,
    encodingLabel: ENCODING_LABELS[read.encoding],
    delimiter: read.delimiter,
    delimiterLabel: DELIMITER_LABELS[read.delimiter],
    header: read.columns.header.map((h: string) => excerpt(h, 80)),
    recognised: recognisedNames(read.columns),
  };
}

/** Reads and analyses a CSV export: the one entry the CLI, the hosts and the worker share. */
export async function analyseCsv(source: CsvSource, options: CsvAnalyseOptions): Promise<CsvAnalysisResult> {
  const started = performance.now();
  const read = await readContactsCsv(source, {
    region: options.settings.phoneRegion,
    ...(options.map ? { map: options.map } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    ...(options.totalBytes !== undefined ? { totalBytes: options.totalBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.previewLimit === 0 ? { display: false } : {}),
  });
  const { settings } = options;
  const result = detectFeatures(read.features, {
    settings,
    linkage: options.linkage ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const rows = reviewPairs(result, settings);
  const lanes: Record<Lane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  for (const g of result.groups) lanes[g.lane] += 1;
  const index = new Map<string, number>();
  const limit = options.previewLimit ?? 500;
  const top = limit > 0 ? [...rows].sort((a, b) => b.score - a.score).slice(0, limit) : [];
  for (const r of top) {
    index.set(r.idA, -1);
    index.set(r.idB, -1);
  }
  read.features.forEach((f, i) => {
    if (index.has(f.id)) index.set(f.id, i);
  });
  const view = (id: string) => viewOf(read.display[index.get(id)!] ?? id);
  return {
    records: read.features.length,
    ...howRead(read),
    fields: CSV_FIELDS.map((field) => ({ field, label: CSV_FIELD_LABELS[field] })),
    ignored: read.columns.ignored,
    warnings: read.warnings,
    duplicateIds: read.duplicateIds,
    comparisons: result.stats.comparisons,
    rules: result.stats.rules,
    pairs: rows.length,
    groups: result.groups.length,
    lanes,
    preview: top.map((r) => ({ ...r, lane: r.lane as Lane, a: view(r.idA), b: view(r.idB) })),
    pairsCsv: pairsCsv(rows),
    clustersCsv: clustersCsv(result),
    millis: Math.round(performance.now() - started),
  };
}

export interface PairRow {
  readonly idA: string;
  readonly idB: string;
  readonly score: number;
  readonly lane: string;
  readonly group: number;
}

/**
 * Every pair a reviewer would see: all pairs inside each group (a group is reviewed as a whole), each with its own
 * direct score, and the group's lane.
 */
export function reviewPairs(result: DetectResult, settings: DetectSettings): PairRow[] {
  const direct = new Map<number, number>();
  const n = result.features.length;
  for (const p of result.pairs) direct.set(p.a * n + p.b, p.probability);
  const rows: PairRow[] = [];
  result.groups.forEach((g, gi) => {
    const members = g.members;
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x]!;
        const j = members[y]!;
        const score =
          direct.get(i * n + j) ??
          scorePair(result.features[i]!, result.features[j]!, result.model, settings).probability;
        rows.push({
          idA: result.features[i]!.id,
          idB: result.features[j]!.id,
          score,
          lane: g.lane,
          group: gi + 1,
        });
      }
  });
  return rows;
}
