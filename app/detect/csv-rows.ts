/**
 * Splits CSV text into rows of fields as it arrives, holding no more than the unfinished row. RFC 4180 quoting
 * ("" inside a quoted field), whitespace around fields trimmed, empty lines skipped, every row as long as the
 * header. A line without a quote (nearly all of a CRM export) is split in one native call; a line with one is
 * read character by character, across line ends and chunks.
 */

/** A row's fields and the line it ends on (1-based, counted over the text pushed). */
export type CsvRowHandler = (fields: string[], line: number) => void;

/** Problems by the codes csv-parse uses for them, which `csvError` turns into people's words. */
export type CsvSyntaxCode =
  | 'CSV_QUOTE_NOT_CLOSED'
  | 'CSV_INVALID_CLOSING_QUOTE'
  | 'CSV_INVALID_OPENING_QUOTE'
  | 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
  | 'CSV_MAX_RECORD_SIZE';

export class CsvSyntaxError extends Error {
  constructor(
    readonly code: CsvSyntaxCode,
    /** The line the problem was found on. */
    public lines: number,
    readonly record: string[] | null = null,
  ) {
    super(code);
  }
}

/** A contact value is short: a row past this many characters is a binary file or an unclosed quote. */
export const MAX_ROW_CHARS = 1_000_000;

const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

const isBlank = (c: number) => c === SPACE || c === TAB;

export class CsvRowSplitter {
  private carry = '';
  /** The line the next row starts on. */
  private line = 1;
  /** Line ends are "\n" (with an optional "\r" before it) unless the text's first line ends with a lone "\r". */
  private eol: string | null = null;
  private width = -1;
  /** Set by the row handler to stop reading (a sample is complete). */
  halted = false;

  constructor(
    private readonly delimiter: string,
    private readonly onRow: CsvRowHandler,
  ) {}

  push(text: string): void {
    if (this.halted || text.length === 0) return;
    const buf = this.carry.length ? this.carry + text : text;
    this.eol ??= lineEndOf(buf);
    const end = this.rows(buf, false);
    this.carry = end < buf.length ? buf.slice(end) : '';
    if (this.carry.length > MAX_ROW_CHARS) throw new CsvSyntaxError('CSV_MAX_RECORD_SIZE', this.line);
  }

  end(): void {
    if (this.halted || this.carry.length === 0) return;
    const buf = this.carry;
    this.carry = '';
    this.eol ??= lineEndOf(buf);
    this.rows(buf, true);
  }

  /** Emits every complete row of `buf`; returns where the unfinished one starts. */
  private rows(buf: string, final: boolean): number {
    const eol = this.eol!;
    const delimiter = this.delimiter;
    let pos = 0;
    // The next quote at or after `pos`, looked up again only once passed: a file without quotes is searched once.
    let quote = -1;
    while (pos < buf.length && !this.halted) {
      let nl = buf.indexOf(eol, pos);
      if (nl < 0) {
        if (!final) return pos;
        nl = buf.length;
      }
      if (nl - pos > MAX_ROW_CHARS) throw new CsvSyntaxError('CSV_MAX_RECORD_SIZE', this.line);
      if (quote < pos) {
        quote = buf.indexOf('"', pos);
        if (quote < 0) quote = buf.length;
      }
      if (quote >= nl) {
        const text = buf.slice(pos, nl);
        pos = nl + 1;
        const line = this.line++;
        if (text.length === 0 || text.trim().length === 0) continue;
        const fields = text.split(delimiter);
        for (let f = 0; f < fields.length; f++) {
          const v = fields[f]!;
          const first = v.charCodeAt(0);
          const last = v.charCodeAt(v.length - 1);
          if (isBlank(first) || isBlank(last) || last === CR || first > 0x7f || last > 0x7f)
            fields[f] = v.trim();
        }
        this.emit(fields, line);
        continue;
      }
      const next = this.quotedRow(buf, pos, final);
      if (next < 0) return pos;
      pos = next;
    }
    return final ? buf.length : pos;
  }

  /**
   * Reads the row starting at `pos` that holds a quote; returns where the next row starts, or -1 when the row
   * runs past the text so far (and more may come).
   */
  private quotedRow(buf: string, pos: number, final: boolean): number {
    const d = this.delimiter.charCodeAt(0);
    const lf = this.eol === '\r' ? CR : LF;
    const n = buf.length;
    const fields: string[] = [];
    let line = this.line;
    let i = pos;
    for (;;) {
      while (i < n && isBlank(buf.charCodeAt(i))) i++;
      if (i < n && buf.charCodeAt(i) === QUOTE) {
        const opened = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = buf.indexOf('"', from);
          if (q < 0 || (q + 1 === n && !final)) {
            if (!final) return this.unfinished(buf, pos);
            throw new CsvSyntaxError('CSV_QUOTE_NOT_CLOSED', opened);
          }
          line += countOf(buf, lf, from, q);
          if (buf.charCodeAt(q + 1) === QUOTE) {
            value += buf.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += buf.slice(from, q);
          i = q + 1;
          break;
        }
        while (i < n && (isBlank(buf.charCodeAt(i)) || (buf.charCodeAt(i) === CR && lf === LF))) i++;
        if (i >= n) {
          if (!final) return this.unfinished(buf, pos);
          fields.push(value);
          return this.finish(fields, line, n);
        }
        const c = buf.charCodeAt(i);
        fields.push(value);
        if (c === d) {
          i++;
          continue;
        }
        if (c === lf) return this.finish(fields, line, i + 1);
        throw new CsvSyntaxError('CSV_INVALID_CLOSING_QUOTE', line);
      }
      let j = i;
      while (j < n) {
        const c = buf.charCodeAt(j);
        if (c === d || c === lf) break;
        if (c === QUOTE) throw new CsvSyntaxError('CSV_INVALID_OPENING_QUOTE', line);
        j++;
      }
      if (j >= n && !final) return this.unfinished(buf, pos);
      fields.push(buf.slice(i, j).trim());
      if (j < n && buf.charCodeAt(j) === d) {
        i = j + 1;
        continue;
      }
      return this.finish(fields, line, Math.min(n, j + 1));
    }
  }

  private unfinished(buf: string, pos: number): number {
    if (buf.length - pos > MAX_ROW_CHARS) throw new CsvSyntaxError('CSV_MAX_RECORD_SIZE', this.line);
    return -1;
  }

  private finish(fields: string[], line: number, next: number): number {
    this.line = line + 1;
    this.emit(fields, line);
    return next;
  }

  private emit(fields: string[], line: number): void {
    if (this.width < 0) this.width = fields.length;
    else if (fields.length !== this.width)
      throw new CsvSyntaxError('CSV_RECORD_INCONSISTENT_FIELDS_LENGTH', line, fields);
    this.onRow(fields, line);
  }
}

/** "\r" when the first line end is a lone carriage return (an old Mac export), else "\n". */
function lineEndOf(text: string): string {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (cr >= 0 && (lf < 0 || cr < lf) && text.charCodeAt(cr + 1) !== LF && cr + 1 < text.length) return '\r';
  return '\n';
}

function countOf(text: string, code: number, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === code) n++;
  return n;
}

/** Every row of a whole text (small files and tests). */
export function splitCsv(text: string, delimiter: string, onRow: CsvRowHandler): void {
  const splitter = new CsvRowSplitter(delimiter, onRow);
  splitter.push(text);
  splitter.end();
}
