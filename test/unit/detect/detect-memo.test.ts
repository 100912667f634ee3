import { describe, expect, it } from 'vitest';
import { extractFeatures, FeatureMemo } from '../../../app/detect/features';
import { parseName } from '../../../app/detect/normalise/names';
import { normaliseAddress, normaliseCompany } from '../../../app/detect/normalise/address';
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

  it('reads streets, postcodes and companies through the memo exactly as normaliseAddress does', () => {
    const lines: [string | null, string | null, string | null][] = [
      [null, '12 North Main Street, Apt 4', null],
      ['12', 'North Main Street', null],
      ['12b', 'Main St', null],
      [null, '12B  Main   St 34', null],
      [null, 'Apt 4 12 Main St', null],
      [null, 'Unit 4, 12 Main St', null],
      [null, '12 Apt 4 Main St', null],
      [null, 'PO Box 77', '5 High St'],
      [null, '', '5 High St'],
      ['7', '', 'Flat 2'],
      [null, 'Rue du Château 9', null],
      [null, '5', null],
      [null, '5a', null],
      [null, '  44 Ölstraße ', null],
    ];
    const memo = new FeatureMemo();
    for (let pass = 0; pass < 2; pass++)
      for (const [streetNumber, line1, line2] of lines) {
        const address = { streetNumber, line1, line2, postcode: '94110-1234', locality: 'X' };
        const f = extractFeatures({ id: 'a', addresses: [address], company: 'The Acme Co.' }, 'US', memo);
        const expected = normaliseAddress(address);
        expect([f.streetNumber, f.street, f.postcode]).toEqual([
          expected.streetNumber,
          expected.street,
          expected.postcode,
        ]);
        expect(f.company).toBe(normaliseCompany('The Acme Co.'));
      }
  });
});
