import { describe, expect, it } from 'vitest';
import {
  FULL_BLOCK,
  WINDOW,
  WINDOW_BUDGET,
  blockNeighbours,
  generateCandidates,
} from '../../../app/detect/blocking';
import { featuresOf } from '../../../app/detect/engine';
import type { DetectRecord } from '../../../app/detect/types';

/** Comparisons each record takes part in. */
function perRecord(pairs: Float64Array, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const p of pairs) {
    const i = Math.floor(p / n);
    counts[i]! += 1;
    counts[p - i * n]! += 1;
  }
  return counts;
}

describe('comparisons per record stay bounded on skewed lists', () => {
  // 100 people called Maria Garcia in one city and postcode, born on one day: every name, family and place
  // rule puts them all in one block at the cap, which all-pairs would compare 4,950 times each.
  const records: DetectRecord[] = Array.from({ length: 100 }, (_, k) => ({
    id: String(k + 1),
    givenName: 'Maria',
    familyName: 'Garcia',
    birthday: '1980-05-05',
    emails: [`maria.garcia${k}@example.org`],
    phones: [`+1415555${String(1000 + k)}`],
    addresses: [{ line1: `${k + 1} Main St`, locality: 'Springfield', postcode: '90210' }],
  }));
  // One real duplicate inside the crowd: same email, another phone format, a middle initial.
  records.push({
    id: 'dup',
    givenName: 'Maria',
    familyName: 'Garcia',
    birthday: '1980-05-05',
    emails: ['maria.garcia42@example.org'],
    phones: ['(415) 555-1042'],
    addresses: [{ line1: '43 Main St', locality: 'Springfield', postcode: '90210' }],
  });
  const features = featuresOf(records, 'US');
  const n = features.length;

  it('caps each record whatever the block sizes, and says which blocks were windowed', () => {
    const c = generateCandidates(features, { maxBlockSize: 200 });
    const counts = perRecord(c.pairs, n);
    // Every key of a record lands in a large block here: its comparisons come from the windowed budget only.
    expect(Math.max(...counts)).toBeLessThanOrEqual(WINDOW_BUDGET);
    expect(c.pairs.length).toBeLessThan(n * WINDOW_BUDGET);
    expect(c.pairs.length).toBeLessThan((n * (n - 1)) / 2 / 5);
    const name = c.report.find((r) => r.rule === 'name')!;
    expect(name.windowedBlocks).toBe(1);
    expect(name.comparisons).toBeGreaterThan(0);
    expect(name.comparisons).toBeLessThan(n * FULL_BLOCK);
  });

  it('still pairs the real duplicate sitting in the crowd', () => {
    const c = generateCandidates(features, { maxBlockSize: 200 });
    const a = records.findIndex((r) => r.id === '43');
    const b = records.findIndex((r) => r.id === 'dup');
    expect(Array.from(c.pairs)).toContain(a * n + b);
  });

  it('compares small blocks all-pairs, as before', () => {
    const few = featuresOf(records.slice(0, FULL_BLOCK), 'US');
    const c = generateCandidates(few, { maxBlockSize: 200 });
    expect(c.pairs.length).toBe((FULL_BLOCK * (FULL_BLOCK - 1)) / 2);
    expect(c.report.every((r) => r.windowedBlocks === 0)).toBe(true);
  });

  it('gives an incremental re-scan the same bounded neighbourhood in a large block', () => {
    const members = features.map((_, i) => i);
    const near = blockNeighbours(42, members, (i) => features[i]!);
    expect(near.length).toBeGreaterThan(0);
    expect(near.length).toBeLessThanOrEqual(4 * WINDOW);
    expect(near).not.toContain(42);
    expect(blockNeighbours(3, members.slice(0, 10), (i) => features[i]!)).toHaveLength(9);
  });
});

describe('a street of a city', () => {
  // Forty neighbours on one street without house numbers (no other rule joins them), and one of them twice.
  const givens = ['Ann', 'Bob', 'Cleo', 'Dan', 'Eve', 'Finn', 'Gus', 'Hal'];
  const records: DetectRecord[] = Array.from({ length: 40 }, (_, k) => ({
    id: String(k + 1),
    givenName: givens[k % givens.length]!,
    familyName: `Family${String.fromCharCode(65 + k)}`,
    addresses: [{ line1: 'Main Street', locality: 'Springfield' }],
  }));
  records.push({
    id: 'dup',
    givenName: 'Ann',
    familyName: 'Family-A',
    addresses: [{ line1: 'Main St', locality: 'Springfield' }],
  });
  const features = featuresOf(records, 'US');
  const n = features.length;

  it('compares only the neighbours who share a given initial', () => {
    const c = generateCandidates(features, { maxBlockSize: 200 });
    const street = c.report.find((r) => r.rule === 'street_city')!;
    // Eight initials: blocks of five or six, not one block of 41.
    expect(street.blocks).toBe(givens.length);
    expect(street.windowedBlocks).toBe(0);
    for (const p of c.pairs) {
      const i = Math.floor(p / n);
      expect(features[i]!.given[0]).toBe(features[p - i * n]!.given[0]);
    }
    expect(Array.from(c.pairs)).toContain(0 * n + (n - 1));
  });
});
