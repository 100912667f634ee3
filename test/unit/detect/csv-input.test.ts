import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseCsv, inspectCsv, readContactsCsv, recogniseColumns } from '../../../app/detect/csv';
import { sniffDelimiter, utf8Check } from '../../../app/detect/csv-decode';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { isAppError } from '../../../app/domain/errors';

const TEXT = 'Id,First Name,Last Name,Email\n1,Zoë,Brontë,zoe@example.org\n2,Zoe,Bronte,ZOE@example.org\n';

const utf16 = (text: string, bigEndian: boolean): Buffer => {
  const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
  if (!bigEndian) return le;
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return be;
};

const read = (source: Uint8Array | Readable) => readContactsCsv(source, { region: 'US' });

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('CSV encodings', () => {
  it('decodes UTF-16 LE and BE by their BOM', async () => {
    for (const bigEndian of [false, true]) {
      const r = await read(utf16(TEXT, bigEndian));
      expect(r.encoding).toBe(bigEndian ? 'utf-16be' : 'utf-16le');
      expect(r.features.map((f) => f.id)).toEqual(['1', '2']);
      expect(r.display[0]).toContain('Zoë Brontë');
      expect(r.warnings).toEqual([]);
    }
  });

  it('drops a UTF-8 BOM and reads plain UTF-8 as such', async () => {
    const bom = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]));
    expect(bom.encoding).toBe('utf-8-bom');
    expect(bom.columns.map.id).toEqual([0]);
    const plain = await read(Buffer.from(TEXT));
    expect(plain.encoding).toBe('utf-8');
    expect(plain.display[0]).toContain('Zoë Brontë');
  });

  it('reads a Windows-1252 file as Windows-1252 and says so', async () => {
    const latin1 = Buffer.from(TEXT.replace('€', ''), 'latin1');
    const r = await read(latin1);
    expect(r.encoding).toBe('windows-1252');
    expect(r.display[0]).toContain('Zoë Brontë');
    expect(r.display.join('')).not.toContain('\uFFFD');
    expect(r.warnings[0]).toMatch(/line 2.*Windows-1252/);
  });

  it('warns with the line when UTF-8 and other bytes are mixed', async () => {
    const mixed = Buffer.concat([
      Buffer.from('id,first_name,last_name\n1,Zoë,Lee\n'),
      Buffer.from('2,Ren\xe9,Lee\n', 'latin1'),
    ]);
    const r = await read(mixed);
    expect(r.encoding).toBe('utf-8');
    expect(r.warnings.join(' ')).toMatch(/^Line 3 holds bytes that are not UTF-8/);
  });

  it('reads a Windows-1252 file streamed in chunks as it reads the same bytes at once', async () => {
    // The first byte that is not UTF-8 comes long after the first chunk.
    const ascii = Array.from({ length: 3000 }, (_, i) => `${i + 1},Ann,Lee,a${i}@example.org`).join('\n');
    const bytes = Buffer.concat([
      Buffer.from(`id,first_name,last_name,email\n${ascii}\n`),
      Buffer.from('3001,Ren\xe9,M\xfcller,rene@example.org\n', 'latin1'),
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'md-csv-')), 'cp1252.csv');
    writeFileSync(file, bytes);
    const streamed = await read(createReadStream(file, { highWaterMark: 4096 }));
    const whole = await read(bytes);
    expect(streamed.encoding).toBe('windows-1252');
    expect(streamed.features).toEqual(whole.features);
    expect(streamed.warnings).toEqual(whole.warnings);
    expect(streamed.features.at(-1)).toMatchObject({ id: '3001', given: 'rene', family: 'muller' });
  });

  it('keeps multi-byte characters cut across stream chunks', async () => {
    const bytes = Buffer.from(TEXT);
    const cut = bytes.indexOf(Buffer.from('ë')) + 1;
    const r = await read(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]));
    expect(r.encoding).toBe('utf-8');
    expect(r.display[0]).toContain('Zoë Brontë');
    expect(utf8Check(bytes.subarray(0, cut)).tail).toBe(1);
  });
});

describe('CSV layout', () => {
  it('detects comma, semicolon and tab delimiters from the header', async () => {
    expect(sniffDelimiter(Buffer.from('a,b,"c;d"\n'))).toBe(',');
    for (const d of [';', '\t'] as const) {
      const r = await read(Buffer.from(TEXT.replaceAll(',', d)));
      expect(r.delimiter).toBe(d);
      expect(r.features[1]).toMatchObject({ id: '2', emails: ['zoe@example.org'] });
    }
  });

  it("recognises Keap's and ActiveCampaign's export columns and names the unknown ones", () => {
    const keap = recogniseColumns([
      'Id',
      'First Name',
      'Last Name',
      'Email',
      'Email 2',
      'Phone 1',
      'Phone 1 Type',
      'Phone 2',
      'Street Address 1',
      'Street Address 2',
      'City',
      'State',
      'Postal Code',
      'Company',
      'Birthday',
      'Tags',
    ]);
    expect(keap.map).toEqual({
      id: [0],
      given: [1],
      family: [2],
      email: [3, 4],
      phone: [5, 7],
      address_1: [8],
      address_2: [9],
      city: [10],
      state: [11],
      postcode: [12],
      company: [13],
      birthday: [14],
    });
    expect(keap.ignored).toEqual(['Phone 1 Type', 'Tags']);
    const ac = recogniseColumns([
      'Contact ID',
      'Email',
      'First Name',
      'Last Name',
      'Phone',
      'Organization',
      'Address',
      'Zip Code',
      'Date Created',
    ]);
    expect(ac.map).toMatchObject({
      id: [0],
      email: [1],
      given: [2],
      family: [3],
      phone: [4],
      company: [5],
      address_1: [6],
      postcode: [7],
    });
    expect(ac.ignored).toEqual(['Date Created']);
  });

  it('offers a mapping step: unknown columns, the fields and a sample, from the first rows only', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},Ann,Lee,ann${i}@x.org,blue`).join('\n');
    const inspection = await inspectCsv(Buffer.from(`key,who,surname,mail,colour\n${rows}\n`), {
      sampleRows: 3,
    });
    expect(inspection.unknown).toEqual(['key', 'who', 'mail', 'colour']);
    expect(inspection.recognised).toEqual({ family: ['surname'] });
    expect(inspection.fields.find((f) => f.field === 'given')?.label).toBe('First name');
    expect(inspection.sample).toHaveLength(3);
    const mapped = await inspectCsv(Buffer.from(`key,who,surname,mail,colour\n${rows}\n`), {
      map: { id: 'key', given: 'who', email: 'mail' },
    });
    expect(mapped.unknown).toEqual(['colour']);
  });
});

describe('CSV ids and errors', () => {
  it('keeps repeated ids as separate records under ids no row uses, and says so', async () => {
    // "7 (line 4)" is a real id further down: the renamed copy must not take it.
    const text = 'id,email\n7,a@x.org\n8,b@x.org\n7,c@x.org\n7 (line 4),d@x.org\n';
    const r = await read(Buffer.from(text));
    const ids = r.features.map((f) => f.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]).toBe('7');
    expect(ids[3]).toBe('7 (line 4)');
    expect(ids[2]).toBe('7 (line 4, copy 2)');
    expect(r.duplicateIds).toBe(1);
    expect(r.warnings.join(' ')).toMatch(/1 id appears more than once.*"7" on lines 2 and 4/);
  });

  it('tells repeated numeric ids from ids that only read as the same number', async () => {
    const numbers = await read(Buffer.from('id,email\n10,a@x.org\n9,b@x.org\n10,c@x.org\n'));
    expect(numbers.features.map((f) => f.id)).toEqual(['10', '9', '10 (line 4)']);
    expect(numbers.duplicateIds).toBe(1);
    const spellings = await read(Buffer.from('id,email\n7,a@x.org\n07,b@x.org\n7.0,c@x.org\n8,d@x.org\n'));
    expect(spellings.features.map((f) => f.id)).toEqual(['7', '07', '7.0', '8']);
    expect(spellings.duplicateIds).toBe(0);
    expect(spellings.warnings).toEqual([]);
  });

  it('quotes at most a short, printable excerpt of a broken line', async () => {
    const secret = `${'s3cr3t-'.repeat(40)}\u0007`;
    const e = await refusal(read(Buffer.from(`id,email\n1,a@b.com\n2,${secret},extra\n`)));
    expect(isAppError(e, 'INVALID_INPUT')).toBe(true);
    expect(e.message).toMatch(/at line 3: the line has 3 fields where the header has 2/);
    expect(e.message.length).toBeLessThan(200);
    expect(e.message).not.toContain('\u0007');
    const header = await refusal(read(Buffer.from(`${secret},${secret}\nx,y\n`)));
    expect(header.message).toMatch(/No contact columns recognised/);
    expect(header.message.length).toBeLessThan(260);
    expect((await refusal(read(Buffer.from('id,email\n1,"oops\n')))).message).toMatch(/line 2.*never closed/);
  });

  it('refuses a stream past the size cap instead of reading forever', async () => {
    const endless = Readable.from(
      (function* () {
        yield Buffer.from('id,email\n');
        for (;;) yield Buffer.alloc(1 << 16, 0x61);
      })(),
    );
    const e = await refusal(readContactsCsv(endless, { region: 'US', maxBytes: 1 << 20 }));
    expect(e.message).toMatch(/larger than 1 MB/);
  });
});

describe('analyseCsv', () => {
  it('analyses bytes and a stream alike, with pairs shown side by side', async () => {
    const settings = defaultDetectSettings();
    const fromBytes = await analyseCsv(Buffer.from(TEXT), { settings });
    const fromStream = await analyseCsv(Readable.from([Buffer.from(TEXT)]), { settings });
    expect(fromStream.pairsCsv).toBe(fromBytes.pairsCsv);
    expect(fromBytes.records).toBe(2);
    expect(fromBytes.pairs).toBe(1);
    expect(fromBytes.preview[0]).toMatchObject({
      idA: '1',
      idB: '2',
      a: { name: 'Zoë Brontë', email: 'zoe@example.org' },
      b: { name: 'Zoe Bronte' },
    });
    expect(fromBytes.encodingLabel).toBe('UTF-8');
    expect(fromBytes.delimiterLabel).toBe('comma');
  });
});

describe('reading a large file', () => {
  it('reads a file in memory exactly as the same bytes arriving as a stream', async () => {
    const rows = ['Id,First Name,Last Name,Email,Phone 1,City'];
    let size = 0;
    for (let i = 1; size < 2 * 1024 ** 2; i++) {
      const row = `${i % 5000 === 0 ? i - 1 : i},Zoë${i % 7},Lee${i % 13},a${i}@example.org,(415) 555-${String(i % 10000).padStart(4, '0')},Oslo`;
      rows.push(row);
      size += row.length + 1;
    }
    const bytes = Buffer.from(`${rows.join('\n')}\n`);
    // As the CLI reads a file: a stream of fixed-size chunks, cutting rows and multi-byte characters anywhere.
    const file = join(mkdtempSync(join(tmpdir(), 'md-csv-')), 'list.csv');
    writeFileSync(file, bytes);
    const one = await read(createReadStream(file, { highWaterMark: 64 * 1024 }));
    const two = await read(bytes);
    expect(two.features).toEqual(one.features);
    expect(two.display).toEqual(one.display);
    expect(two.duplicateIds).toBeGreaterThan(0);
    expect(two.warnings).toEqual(one.warnings);
  }, 60_000);
});
