import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phaseInWords } from '../../../app/detect/progress-words';

const DETECT = join(__dirname, '../../../app/detect');

/** Every phase name the scan, the re-scan and the CSV analysis report progress under. */
function reportedPhases(): string[] {
  const phases = new Set<string>();
  for (const file of readdirSync(DETECT).filter((f) => f.endsWith('.ts')))
    for (const m of readFileSync(join(DETECT, file), 'utf8').matchAll(/onProgress\?\.\('([^']+)'/g))
      phases.add(m[1]!);
  return [...phases];
}

describe('scan progress in words', () => {
  it('finds the phases the detection code reports', () => {
    expect(reportedPhases()).toEqual(expect.arrayContaining(['loading', 'scoring', 're-keying', 'reading']));
  });

  it('gives every reported phase a sentence of its own, not its internal name', () => {
    for (const phase of reportedPhases()) {
      const words = phaseInWords(phase);
      expect(words, phase).not.toBe(phase);
      expect(words, phase).toMatch(/^[A-Z][a-z]/);
    }
  });
});
