import { describe, expect, it } from 'vitest';
import {
  parseContactsCsv,
  recogniseColumns,
  pairsCsv,
  reviewPairs,
  clustersCsv,
} from '../../../app/detect/csv';
import { detect } from '../../../app/detect/engine';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { isAppError } from '../../../app/domain/errors';
import { toCsv } from '../../../app/domain/csv-writer';

describe('CSV input', () => {
  it('recognises columns case-insensitively and ignores the rest', () => {
    const cols = recogniseColumns([
      'Contact ID',
      'First Name',
      'SURNAME',
      'E-mail',
      'Zip',
      'DOB',
      'Suburb',
      'Notes',
      'Phone',
    ]);
    expect(cols.map).toMatchObject({
      id: [0],
      given: [1],
      family: [2],
      email: [3],
      postcode: [4],
      birthday: [5],
      city: [6],
      phone: [8],
    });
    expect(cols.ignored).toEqual(['Notes']);
  });

  it('accepts FEBRL-style ", " separators and an explicit --map', () => {
    const text = 'rec_id, given_name, surname, postcode\nrec-1-org, ann, lee, 2000\n';
    const { records } = parseContactsCsv(text);
    expect(records[0]).toMatchObject({ id: 'rec-1-org', givenName: 'ann', familyName: 'lee' });
    const mapped = parseContactsCsv('key,who,mail\n7,Ann,a@x.org\n', {
      id: 'key',
      given: 'who',
      email: 'mail',
    });
    expect(mapped.records[0]).toMatchObject({ id: '7', givenName: 'Ann', emails: ['a@x.org'] });
  });

  it('refuses a malformed CSV with the line it broke on', () => {
    let caught: unknown;
    try {
      parseContactsCsv('id,email\n1,a@b.com\n2,"unclosed\n');
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught, 'INVALID_INPUT')).toBe(true);
    expect((caught as Error).message).toMatch(/line 3/);
    expect(() => parseContactsCsv('id,email\n1,a@b.com,extra\n')).toThrow(/line 2/);
    expect(() => parseContactsCsv('colour,size\nred,9\n')).toThrow(/No contact columns/);
  });

  it('writes pairs with the exact header and clusters for every record', () => {
    const { records } = parseContactsCsv(
      'id,first_name,last_name,email\n1,Ann,Lee,ann@x.org\n2,Anne,Lee,ann@x.org\n3,Tom,Hardy,t@y.org\n',
    );
    const settings = defaultDetectSettings();
    const result = detect(records, { settings });
    const pairs = pairsCsv(reviewPairs(result, settings)).trim().split('\n');
    expect(pairs[0]).toBe('id_a,id_b,score,lane');
    expect(pairs).toHaveLength(2);
    expect(pairs[1]).toMatch(/^1,2,0\.\d{4}|^1,2,1\.0000/);
    const clusters = clustersCsv(result).trim().split('\n');
    expect(clusters[0]).toBe('id,group');
    expect(clusters).toHaveLength(4);
  });
});

describe('CSV output', () => {
  it('writes every id byte for byte as toCsv does, escaping what needs it', () => {
    const ids = [
      '1',
      'a b',
      ' lead',
      'x\ry',
      '=1+2',
      '+1',
      '-3',
      '@SUM',
      '\tx',
      'q"',
      'c,d',
      'n\nl',
      '#7',
      'é',
      '',
    ];
    const features = ids.map((id) => ({ id })) as unknown as Parameters<typeof clustersCsv>[0]['features'];
    const groups = [{ members: [1, 4, 5] }, { members: [4, 9] }] as unknown as Parameters<
      typeof clustersCsv
    >[0]['groups'];
    const expected = toCsv(
      ['id', 'group'],
      [
        [ids[1], 1],
        [ids[4], 1],
        [ids[5], 1],
        [ids[9], 2],
        ...ids.flatMap((id, i) => ([1, 4, 5, 9].includes(i) ? [] : [[id]])).map((r, k) => [r[0], 3 + k]),
      ],
    );
    expect(clustersCsv({ features, groups })).toBe(expected);
    const rows = ids.map((id, i) => ({
      idA: id,
      idB: ids[(i + 3) % ids.length]!,
      score: i / 7,
      lane: 'safe',
      group: 1,
    }));
    expect(pairsCsv(rows)).toBe(
      toCsv(
        ['id_a', 'id_b', 'score', 'lane'],
        rows.map((r) => [r.idA, r.idB, r.score.toFixed(4), r.lane]),
      ),
    );
    expect(pairsCsv([])).toBe(toCsv(['id_a', 'id_b', 'score', 'lane'], []));
  });
});
