import { describe, expect, it } from 'vitest';
import { generateCandidates, NEIGHBOURHOOD } from '../../../app/detect/blocking';
import { featuresOf } from '../../../app/detect/engine';

/** Records sharing one coarse phonetic name key (Rosenb… all encode as RSNP), with distinct spellings. */
function rosens(count: number) {
  return featuresOf(
    Array.from({ length: count }, (_, i) => ({
      id: String(i),
      givenName: 'Anna',
      familyName: `Rosenb${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
    })),
    'US',
  );
}

const nameRule = (features: ReturnType<typeof rosens>) => {
  const c = generateCandidates(features, { maxBlockSize: 1000 });
  return c.report.find((r) => r.rule === 'name')!;
};

describe('blocking of coarse name keys', () => {
  it('compares every pair of a block up to twice the neighbourhood', () => {
    const n = 2 * NEIGHBOURHOOD;
    expect(nameRule(rosens(n)).comparisons).toBe((n * (n - 1)) / 2);
  });

  it('compares each member of a larger block with its nearest spellings only', () => {
    const n = 4 * NEIGHBOURHOOD;
    const features = rosens(n);
    const report = nameRule(features);
    const windowPairs = n * NEIGHBOURHOOD - (NEIGHBOURHOOD * (NEIGHBOURHOOD + 1)) / 2;
    expect(report.comparisons).toBe(windowPairs);
    expect(report.comparisons).toBeLessThan((n * (n - 1)) / 2);
    // Neighbours in spelling order are kept: "rosenbaa" with "rosenbab".
    const c = generateCandidates(features, { maxBlockSize: 1000 });
    const byName = new Map(features.map((f, i) => [f.family, i]));
    const a = byName.get('rosenbaa')!;
    const b = byName.get('rosenbab')!;
    expect(Array.from(c.pairs)).toContain(Math.min(a, b) * n + Math.max(a, b));
  });
});
