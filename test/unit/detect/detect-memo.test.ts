import { describe, expect, it } from 'vitest';
import { extractFeatures, FeatureMemo } from '../../../app/detect/features';
import { parseName } from '../../../app/detect/normalise/names';
import type { DetectRecord } from '../../../app/detect/types';

const records: DetectRecord[] = [
  {
    id: '1',
    givenName: 'Dr. William Henry',
    familyName: 'Smith Jr.',
    suffix: 'III',
    addresses: [{ locality: 'São Paulo' }],
  },
  {
    id: '2',
    givenName: 'William',
    familyName: 'Smith',
    middleName: 'Henry James',
    addresses: [{ locality: 'Sao Paulo ' }],
  },
  { id: '3', givenName: 'Bill Sr', familyName: 'Sr', suffix: 'jr' },
  { id: '4', givenName: 'Mr', familyName: "O'Brien-Núñez PhD" },
  { id: '5', givenName: null, familyName: null, suffix: 'II' },
];

describe('feature memo', () => {
  it('gives the same features as normalising each record on its own', () => {
    const memo = new FeatureMemo();
    // Twice through one memo: the second pass is served from it.
    for (let pass = 0; pass < 2; pass++)
      for (const r of records) expect(extractFeatures(r, 'US', memo)).toEqual(extractFeatures(r, 'US'));
  });

  it('shares one string per distinct name and city across records', () => {
    const memo = new FeatureMemo();
    const a = extractFeatures(records[0]!, 'US', memo);
    const b = extractFeatures(records[1]!, 'US', memo);
    expect(a.given).toBe('william');
    expect(a.locality).toBe('sao paulo');
    expect(b.locality).toBe(a.locality);
    expect(memo.intern('william')).toBe(a.given);
  });

  it('keeps the suffix rules of parseName: given name, then family name, then the suffix field', () => {
    for (const r of records) {
      const parsed = parseName(r.givenName, r.familyName, r.suffix);
      const f = extractFeatures(r, 'US', new FeatureMemo());
      expect([f.given, f.family, f.suffix]).toEqual([parsed.given, parsed.family, parsed.suffix]);
    }
    expect(parseName('Bill Sr', 'Sr', 'jr').suffix).toBe('sr');
    expect(parseName('Ann', 'Smith Jr.', 'III').suffix).toBe('jr');
    expect(parseName('Ann', 'Smith', 'III').suffix).toBe('iii');
  });
});
