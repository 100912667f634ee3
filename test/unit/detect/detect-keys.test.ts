import { describe, expect, it } from 'vitest';
import { BLOCKING_RULES, generateCandidates, hash32, keysReported } from '../../../app/detect/blocking';
import { featuresOf } from '../../../app/detect/engine';

describe('blocking keys reported for match_keys', () => {
  it('are exactly every rule key of every record, as rule * 2^32 + hash32', () => {
    const features = featuresOf(
      [
        { id: 'a', givenName: 'Bill', familyName: 'Smith', emails: ['bill@x.org'], phones: ['+14155552671'] },
        {
          id: 'b',
          givenName: 'William',
          familyName: 'Smith',
          birthday: '1980-01-02',
          addresses: [{ line1: '4 Elm St', postcode: '90210', locality: 'Beverly Hills' }],
        },
        { id: 'c', givenName: 'Ann', familyName: 'Lee', emails: ['a.n.n@gmail.com'] },
      ],
      'US',
    );
    const reported: string[] = [];
    generateCandidates(features, {
      maxBlockSize: 100,
      onKeys: (keys, records) => keys.forEach((k, t) => reported.push(`${k}:${records[t]}`)),
    });
    const expected: string[] = [];
    BLOCKING_RULES.forEach((rule, r) =>
      features.forEach((f, i) => {
        for (const k of rule.keys(f)) expected.push(`${r * 4294967296 + hash32(k)}:${i}`);
      }),
    );
    expect(expected.length).toBeGreaterThan(10);
    expect(reported.sort()).toEqual(expected.sort());
  });

  it('hash, for every rule, to hash32 of the keys the rule spells out, in order', () => {
    const features = featuresOf(
      [
        { id: 'a', givenName: 'Bill', familyName: 'Smith', emails: ['b.i.l.l+news@gmail.com', 'bill@x.org'] },
        { id: 'b', givenName: 'Zoë', familyName: 'Ångström', birthday: '1980-01-02', phones: ['4155552671'] },
        {
          id: 'c',
          givenName: 'Kate',
          familyName: 'Smith Jones',
          company: 'Acme',
          birthday: '02/03/1971',
          addresses: [{ line1: '12 Elm Street', postcode: '10001', locality: 'New York', region: 'NY' }],
        },
        { id: 'd', givenName: 'Smith', familyName: 'Aaron' },
        { id: 'e' },
      ],
      'US',
    );
    let keys = 0;
    for (const rule of BLOCKING_RULES)
      for (const f of features) {
        const hashes: number[] = [];
        rule.hashes(f, (h) => hashes.push(h));
        const expected = rule.keys(f).map(hash32);
        keys += expected.length;
        expect(hashes, `${rule.name} of ${f.id}`).toEqual(expected);
      }
    expect(keys).toBeGreaterThan(20);
  });

  it('are reported only while a full hash fits beside the record index', () => {
    expect(keysReported(1_000_000)).toBe(true);
    expect(keysReported(2_000_000)).toBe(false);
  });
});
