import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../domain/errors';
import type { DetectRecord } from './types';
import type { DetectResult } from './engine';
import { scorePair } from './model';
import type { DetectSettings } from './settings';

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

/** Header spellings recognised per field, after lower-casing and turning spaces/dashes/dots into "_". */
const RECOGNISED: Record<CsvField, RegExp> = {
  id: /^(id|rec_?id|record_?id|contact_?id|unique_?id|uid)$/,
  email: /^(e_?mail|email_?address|e_?mail_?\d|email_?address_?\d|primary_?email)$/,
  given: /^(given_?name|first_?name|firstname|forename|first)$/,
  family: /^(family_?name|surname|last_?name|lastname|last)$/,
  middle: /^(middle_?name|middle_?initial)$/,
  phone:
    /^(phone|phone_?number|telephone|tel|mobile|mobile_?phone|cell|cell_?phone|phone_?\d|work_?phone|home_?phone)$/,
  street_number: /^(street_?number|house_?number|street_?no)$/,
  address_1: /^(address_?1|address_?line_?1|street|street_?address|address|addr)$/,
  address_2: /^(address_?2|address_?line_?2)$/,
  city: /^(city|suburb|locality|town)$/,
  postcode: /^(postcode|post_?code|postal_?code|zip|zip_?code|zipcode)$/,
  state: /^(state|region|province|county)$/,
  company: /^(company|company_?name|organisation|organization|employer)$/,
  birthday: /^(birthday|birth_?date|date_?of_?birth|dob)$/,
  suffix: /^(suffix|name_?suffix)$/,
};

const FIELD_NAMES = Object.keys(RECOGNISED) as CsvField[];

export interface CsvColumns {
  /** Column indexes per field (several for emails and phones). */
  readonly map: Partial<Record<CsvField, number[]>>;
  readonly header: string[];
  readonly ignored: string[];
}

const canon = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_');

export function recogniseColumns(
  header: readonly string[],
  overrides: Record<string, string> = {},
): CsvColumns {
  const map: Partial<Record<CsvField, number[]>> = {};
  const used = new Set<number>();
  for (const [field, column] of Object.entries(overrides)) {
    if (!FIELD_NAMES.includes(field as CsvField)) {
      throw new AppError(
        'INVALID_INPUT',
        `Unknown field "${field}" in --map; use one of: ${FIELD_NAMES.join(', ')}.`,
      );
    }
    const idx = header.findIndex((h) => canon(h) === canon(column));
    if (idx < 0)
      throw new AppError('INVALID_INPUT', `--map ${field}=${column}: the CSV has no column "${column}".`);
    map[field as CsvField] = [idx];
    used.add(idx);
  }
  header.forEach((h, idx) => {
    if (used.has(idx)) return;
    const c = canon(h);
    for (const field of FIELD_NAMES) {
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

export interface ParsedCsv {
  readonly records: DetectRecord[];
  readonly columns: CsvColumns;
}

/** Parses CSV text with a header row. A broken file is refused with the line it broke on; nothing is guessed. */
export function parseContactsCsv(text: string, overrides: Record<string, string> = {}): ParsedCsv {
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as string[][];
  } catch (error) {
    const e = error as { message?: string; lines?: number; code?: string };
    const line = e.lines ?? null;
    throw new AppError(
      'INVALID_INPUT',
      `The CSV could not be read${line ? ` at line ${line}` : ''}: ${(e.message ?? String(error)).replace(/\s+/g, ' ')}`,
      { line, code: e.code ?? null },
    );
  }
  const header = rows[0];
  if (!header || header.every((h) => h === ''))
    throw new AppError('INVALID_INPUT', 'The CSV is empty: it needs a header row.');
  const columns = recogniseColumns(header, overrides);
  const m = columns.map;
  const has = (f: CsvField) => (m[f]?.length ?? 0) > 0;
  if (!has('email') && !has('given') && !has('family') && !has('phone')) {
    throw new AppError(
      'INVALID_INPUT',
      `No contact columns recognised in the header (${header.join(', ')}). Expected e.g. email, first_name, last_name, phone; or use --map field=column.`,
    );
  }
  const get = (row: string[], f: CsvField): string | null => {
    const idx = m[f]?.[0];
    if (idx === undefined) return null;
    const v = row[idx];
    return v === undefined || v === '' ? null : v;
  };
  const all = (row: string[], f: CsvField): string[] =>
    (m[f] ?? []).map((i) => row[i] ?? '').filter((v) => v !== '');
  const seen = new Map<string, number>();
  const records: DetectRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    let id = get(row, 'id') ?? String(r);
    const dup = seen.get(id);
    if (dup !== undefined) {
      seen.set(id, dup + 1);
      id = `${id}#${dup + 1}`;
    } else seen.set(id, 1);
    const address = {
      streetNumber: get(row, 'street_number'),
      line1: get(row, 'address_1'),
      line2: get(row, 'address_2'),
      locality: get(row, 'city'),
      region: get(row, 'state'),
      postcode: get(row, 'postcode'),
    };
    records.push({
      id,
      givenName: get(row, 'given'),
      middleName: get(row, 'middle'),
      familyName: get(row, 'family'),
      suffix: get(row, 'suffix'),
      company: get(row, 'company'),
      birthday: get(row, 'birthday'),
      emails: all(row, 'email'),
      phones: all(row, 'phone'),
      addresses: Object.values(address).some((v) => v) ? [address] : [],
    });
  }
  return { records, columns };
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

export function pairsCsv(rows: readonly PairRow[]): string {
  return stringify(
    rows.map((r) => [r.idA, r.idB, r.score.toFixed(4), r.lane]),
    { header: true, columns: ['id_a', 'id_b', 'score', 'lane'] },
  );
}

/** Every record with its group; records in no group get a group of their own so the file is a full partition. */
export function clustersCsv(result: DetectResult): string {
  const rows: [string, number][] = [];
  const grouped = new Set<number>();
  result.groups.forEach((g, gi) => {
    for (const m of g.members) {
      // A doubtful pair ("may also belong") repeats a record already in its group: the file stays a partition.
      if (grouped.has(m)) continue;
      rows.push([result.features[m]!.id, gi + 1]);
      grouped.add(m);
    }
  });
  let next = result.groups.length;
  result.features.forEach((f, i) => {
    if (!grouped.has(i)) rows.push([f.id, ++next]);
  });
  return stringify(rows, { header: true, columns: ['id', 'group'] });
}
