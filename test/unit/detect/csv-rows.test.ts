import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvRowSplitter, CsvSyntaxError, MAX_ROW_CHARS, splitCsv } from '../../../app/detect/csv-rows';

/** Rows with their lines, read with the text cut into pieces at the given positions. */
function rowsOf(text: string, cuts: number[] = [], delimiter = ','): [string[], number][] {
  const out: [string[], number][] = [];
  const splitter = new CsvRowSplitter(delimiter, (fields, line) => out.push([fields, line]));
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    splitter.push(text.slice(from, cut));
    from = cut;
  }
  splitter.end();
  return out;
}

function failure(text: string): CsvSyntaxError {
  try {
    splitCsv(text, ',', () => undefined);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error;
    throw error;
  }
  throw new Error('no failure');
}

const TRICKY = [
  'id,name,email\n1,Ann,a@x.org\n',
  'id,name,email\r\n1, Ann ,a@x.org\r\n2,"Bo, Jr.","b@x.org"\r\n',
  'id,name\n1,"says ""hi"""\n\n   \n2,"two\nlines"\n3,last',
  'id,name\n1,  "quoted"  \n2,""\n',
  'id;name\n1;Ann\n2;"Bo;b"\n',
  'id,name,note\n1,,\n2,,"x"\n',
  'a,b\n"1\r\n2",3\n4,5',
  'a,b\n\t1\t, 2 \n',
];

describe('CSV row splitter', () => {
  it('reads what csv-parse reads, with the same trimming and empty lines skipped', () => {
    for (const text of TRICKY) {
      const delimiter = text.includes(';') ? ';' : ',';
      const expected = parse(text, { trim: true, skip_empty_lines: true, delimiter }) as string[][];
      expect(
        rowsOf(text, [], delimiter).map(([f]) => f),
        text,
      ).toEqual(expected);
    }
  });

  it('gives the same rows and lines wherever the text is cut into chunks', () => {
    for (const text of TRICKY) {
      const delimiter = text.includes(';') ? ';' : ',';
      const whole = rowsOf(text, [], delimiter);
      for (let cut = 1; cut < text.length; cut++)
        expect(rowsOf(text, [cut], delimiter), `${text} @${cut}`).toEqual(whole);
      expect(rowsOf(text, [...text].map((_, i) => i + 1).slice(0, -1), delimiter)).toEqual(whole);
    }
  });

  it('numbers each row by the line it ends on, counting lines inside quotes and skipped lines', () => {
    const rows = rowsOf('id,name\n1,"a\nb"\n\n2,c\n');
    expect(rows.map(([, line]) => line)).toEqual([1, 3, 5]);
  });

  it('reads a file whose lines end with a lone carriage return', () => {
    expect(rowsOf('id,name\r1,Ann\r2,"B\ro"\r').map(([f]) => f)).toEqual([
      ['id', 'name'],
      ['1', 'Ann'],
      ['2', 'B\ro'],
    ]);
  });

  it('names what is broken and where', () => {
    expect(failure('id,email\n1,a@b.com\n2,"unclosed\n')).toMatchObject({
      code: 'CSV_QUOTE_NOT_CLOSED',
      lines: 3,
    });
    expect(failure('id,email\n1,a@b.com,extra\n')).toMatchObject({
      code: 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH',
      lines: 2,
      record: ['1', 'a@b.com', 'extra'],
    });
    expect(failure('id,email\n1,"a"b\n')).toMatchObject({ code: 'CSV_INVALID_CLOSING_QUOTE', lines: 2 });
    expect(failure('id,email\n1,a"b\n')).toMatchObject({ code: 'CSV_INVALID_OPENING_QUOTE', lines: 2 });
    expect(failure(`id,email\n1,"${'x'.repeat(MAX_ROW_CHARS + 10)}`)).toMatchObject({
      code: 'CSV_MAX_RECORD_SIZE',
    });
  });

  it('refuses an endless unquoted line once it passes the row limit, holding no more than that', () => {
    const splitter = new CsvRowSplitter(',', () => undefined);
    splitter.push('id,email\n');
    const piece = 'a'.repeat(1 << 16);
    let caught: unknown = null;
    for (let i = 0; i < 40 && !caught; i++) {
      try {
        splitter.push(piece);
      } catch (error) {
        caught = error;
      }
    }
    expect(caught).toBeInstanceOf(CsvSyntaxError);
    expect((caught as CsvSyntaxError).code).toBe('CSV_MAX_RECORD_SIZE');
  });

  it('stops reading when the handler halts it', () => {
    const seen: string[] = [];
    const splitter = new CsvRowSplitter(',', (fields) => {
      seen.push(fields[0]!);
      if (seen.length === 2) splitter.halted = true;
    });
    splitter.push('h\n1\n2\n3\n');
    splitter.end();
    expect(seen).toEqual(['h', '1']);
  });
});
