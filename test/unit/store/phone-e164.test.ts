import { describe, expect, it } from 'vitest';
import { nanpE164, parseE164, toE164 } from '../../../app/store/phone-e164';

/** A small deterministic generator, so a failure names a reproducible input. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const digits = (next: (n: number) => number, n: number) =>
  Array.from({ length: n }, () => String(next(10))).join('');

/** The ways people type North American numbers, and some they should not (the fast path must leave those alone). */
function formats(a: string, b: string, c: string): string[] {
  return [
    `(${a}) ${b}-${c}`,
    `(${a})${b}-${c}`,
    `(${a}) ${b} ${c}`,
    `${a}-${b}-${c}`,
    `${a}.${b}.${c}`,
    `${a} ${b} ${c}`,
    `${a}${b}${c}`,
    `1${a}${b}${c}`,
    `1-${a}-${b}-${c}`,
    `1 (${a}) ${b}-${c}`,
    `+1${a}${b}${c}`,
    `+1 ${a} ${b} ${c}`,
    `+1 (${a}) ${b}-${c}`,
    `+1-${a}-${b}-${c}`,
    `+1.${a}.${b}.${c}`,
    ` (${a}) ${b}-${c} `,
    `(${a} ${b}-${c}`,
    `${a}) ${b}-${c}`,
    `${a}-${b}${c}`,
    `${a}${b}-${c}`,
    `(${a}) ${b}-${c} x12`,
    `(${a}) ${b}-${c} ext. 7`,
    `${a}-${b}-${c}-1`,
    `+44 ${a} ${b} ${c}`,
    `+${a}${b}${c}`,
    `11${a}${b}${c}`,
    `${a}--${b}--${c}`,
    `(${a}) ${b}-${c.slice(0, 3)}`,
    `${a}${b}${c}0`,
    `tel:${a}${b}${c}`,
    `${a}/${b}-${c}`,
  ];
}

describe('toE164', () => {
  it('answers exactly as libphonenumber on thousands of typed numbers, in the US and Canada', () => {
    const next = rng(7);
    let fast = 0;
    const wrong: object[] = [];
    for (let i = 0; i < 1500; i++) {
      // Any first digits, including 0 and 1, which are not valid NANP area codes or exchanges.
      const [a, b, c] = [digits(next, 3), digits(next, 3), digits(next, 4)];
      for (const number of formats(a, b, c)) {
        const quick = nanpE164(number);
        if (quick !== null) fast++;
        for (const region of ['US', 'CA'] as const) {
          const reference = parseE164(number, region);
          // Collected, not asserted one by one: 93,000 assertions cost more than the numbers they check.
          if (quick !== null && quick !== reference) wrong.push({ number, region, fast: quick, reference });
          const answer = toE164(number, region);
          if (answer !== reference) wrong.push({ number, region, answer, reference });
        }
      }
    }
    expect(wrong).toEqual([]);
    // The comparison above only means something if the fast path took a good share of the inputs.
    expect(fast).toBeGreaterThan(10_000);
  });

  it('leaves other regions and unusual input to libphonenumber', () => {
    expect(toE164('020 7946 0018', 'GB')).toBe('+442079460018');
    expect(toE164('(555) 201-3344', 'GB')).toBe(parseE164('(555) 201-3344', 'GB'));
    expect(nanpE164('(555) 201-3344 x12')).toBeNull();
    expect(toE164('(555) 201-3344 x12', 'US')).toBe(parseE164('(555) 201-3344 x12', 'US'));
    expect(toE164('not a phone', 'US')).toBeNull();
    expect(toE164('', 'US')).toBeNull();
  });
});
