import { TextDecoder } from 'node:util';
/**
 * Byte-level reading of a CSV export: the encoding (by BOM, else UTF-8, else Windows-1252) and the delimiter.
 * Everything leaves as UTF-8 bytes, the form the row splitter reads.
 */

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export const ENCODING_LABELS: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 (with byte order mark)',
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
  'windows-1252': 'Windows-1252 (Latin-1)',
};

/** Where the first byte that breaks UTF-8 sits, or -1; a sequence cut by the chunk's end is left as `tail`. */
export function utf8Check(b: Uint8Array): { invalid: number; tail: number; nonAscii: boolean } {
  let nonAscii = false;
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    nonAscii = true;
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return { invalid: i, tail: 0, nonAscii };
    if (i + need >= n) {
      for (let k = i + 1; k < n; k++) if ((b[k]! & 0xc0) !== 0x80) return { invalid: i, tail: 0, nonAscii };
      return { invalid: -1, tail: n - i, nonAscii };
    }
    for (let k = 1; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return { invalid: i, tail: 0, nonAscii };
    const c1 = b[i + 1]!;
    // Overlong forms and surrogates are not UTF-8 either.
    if (
      (c === 0xe0 && c1 < 0xa0) ||
      (c === 0xed && c1 > 0x9f) ||
      (c === 0xf0 && c1 < 0x90) ||
      (c === 0xf4 && c1 > 0x8f)
    )
      return { invalid: i, tail: 0, nonAscii };
    i += need + 1;
  }
  return { invalid: -1, tail: 0, nonAscii };
}

const countLines = (b: Uint8Array, end: number): number => {
  let lines = 0;
  for (let i = 0; i < end; i++) if (b[i] === 0x0a) lines++;
  return lines;
};

/**
 * Streams bytes of any supported encoding out as UTF-8. Without a BOM the text is taken as UTF-8 until a byte
 * says otherwise: if nothing but ASCII came before, the whole file is Windows-1252 (an old Excel or Keap export)
 * and is decoded as such; if valid UTF-8 came before, the file mixes encodings and the line is named in a warning.
 */
export class CsvDecoder {
  encoding: CsvEncoding | null = null;
  readonly warnings: string[] = [];
  private head: Uint8Array | null = null;
  private carry: Uint8Array | null = null;
  private decoder: TextDecoder | null = null;
  private lines = 0;
  private sawNonAscii = false;
  private mixed = false;

  /** Decoded UTF-8 bytes for this chunk (possibly empty while the BOM is still undecided). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.encoding === null) {
      const joined: Uint8Array = this.head ? concat(this.head, chunk) : chunk;
      if (joined.length < 3) {
        this.head = joined;
        return [];
      }
      this.head = null;
      return this.start(joined);
    }
    return this.convert(chunk);
  }

  end(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.encoding === null) out.push(...this.start(this.head ?? new Uint8Array(0)));
    if (this.decoder) {
      const rest = this.decoder.decode();
      if (rest) out.push(Buffer.from(rest, 'utf8'));
    } else if (this.carry) {
      // A sequence cut off by the end of the file.
      this.warnOnce(this.lines + 1);
      out.push(Buffer.from(new TextDecoder('utf-8').decode(this.carry), 'utf8'));
    }
    this.carry = null;
    return out;
  }

  private start(b: Uint8Array): Uint8Array[] {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      this.encoding = 'utf-8-bom';
      return this.convert(b.subarray(3));
    }
    if (b[0] === 0xff && b[1] === 0xfe) return this.useDecoder('utf-16le', b.subarray(2));
    if (b[0] === 0xfe && b[1] === 0xff) return this.useDecoder('utf-16be', b.subarray(2));
    this.encoding = 'utf-8';
    return this.convert(b);
  }

  private useDecoder(encoding: CsvEncoding, rest: Uint8Array): Uint8Array[] {
    this.encoding = encoding;
    this.decoder = new TextDecoder(encoding === 'windows-1252' ? 'windows-1252' : encoding);
    return this.convert(rest);
  }

  private convert(chunk: Uint8Array): Uint8Array[] {
    if (this.decoder) {
      const text = this.decoder.decode(chunk, { stream: true });
      return text ? [Buffer.from(text, 'utf8')] : [];
    }
    const b = this.carry ? concat(this.carry, chunk) : chunk;
    this.carry = null;
    if (this.mixed) return [Buffer.from(new TextDecoder('utf-8').decode(b, { stream: false }), 'utf8')];
    const check = utf8Check(b);
    if (check.invalid < 0) {
      if (check.nonAscii) this.sawNonAscii = true;
      const whole = b.subarray(0, b.length - check.tail);
      if (check.tail) this.carry = b.slice(b.length - check.tail);
      this.lines += countLines(whole, whole.length);
      return [whole];
    }
    const before = b.subarray(0, check.invalid);
    const line = this.lines + countLines(b, check.invalid) + 1;
    if (!this.sawNonAscii && utf8Check(before).nonAscii === false) {
      // Only ASCII so far: ASCII reads the same in Windows-1252, so the whole file is decoded as Windows-1252.
      this.warnings.push(
        `The file is not UTF-8 (first at line ${line}); it was read as Windows-1252 (Latin-1), as older spreadsheet exports are.`,
      );
      return this.useDecoder('windows-1252', b);
    }
    this.mixed = true;
    this.warnOnce(line);
    return [Buffer.from(new TextDecoder('utf-8').decode(b), 'utf8')];
  }

  private warnOnce(line: number): void {
    if (this.warnings.some((w) => w.startsWith('Line '))) return;
    this.warnings.push(
      `Line ${line} holds bytes that are not UTF-8 although the lines before are UTF-8; those characters were read as "\uFFFD". Save the file as UTF-8 and analyse it again if names look wrong.`,
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export type CsvDelimiter = ',' | ';' | '\t' | '|';
export const DELIMITER_LABELS: Record<CsvDelimiter, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'vertical bar',
};

/**
 * The delimiter of the header line: the candidate found most often outside quotes (a header holds no commas of
 * its own in any CRM export we know; a European Excel writes semicolons, a "text" export tabs).
 */
export function sniffDelimiter(start: Uint8Array): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0, '|': 0 } as Record<CsvDelimiter, number>;
  let quoted = false;
  for (let i = 0; i < start.length; i++) {
    const c = start[i]!;
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && (c === 0x0a || c === 0x0d)) break;
    else if (!quoted) {
      if (c === 0x2c) counts[',']++;
      else if (c === 0x3b) counts[';']++;
      else if (c === 0x09) counts['\t']++;
      else if (c === 0x7c) counts['|']++;
    }
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t', '|'] as CsvDelimiter[]) if (counts[d] > counts[best]) best = d;
  return best;
}

/** A short, printable excerpt of a line for an error message: never more of a file than this. */
export function excerpt(text: string, max = 60): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\uFFFD]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
