import { describe, expect, it } from 'vitest';
import { fastE164 } from '../../../app/detect/csv-phone';
import { normalisePhone } from '../../../app/detect/normalise/phone';

describe('fast North American phone path', () => {
  it('gives exactly what libphonenumber gives, or leaves the number to it', () => {
    let state = 12345;
    const digit = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return String(state % 10);
    };
    const shapes = [
      (d: string) => d,
      (d: string) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`,
      (d: string) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
      (d: string) => `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
      (d: string) => `1${d}`,
      (d: string) => `+${d}`,
      (d: string) => `+44 ${d}`,
      (d: string) => `${d} x12`,
      (d: string) => `00${d}`,
      (d: string) => d.slice(1),
    ];
    let fast = 0;
    for (let k = 0; k < 3000; k++) {
      const d = Array.from({ length: 10 }, digit).join('');
      for (const shape of shapes) {
        const raw = shape(d);
        const got = fastE164(raw);
        if (got === undefined) continue;
        fast += 1;
        expect(got).toBe(normalisePhone(raw, 'US'));
      }
    }
    expect(fast).toBeGreaterThan(10_000);
    expect(fastE164('2222222222')).toBeUndefined();
    expect(fastE164('+44 20 7946 0958')).toBeUndefined();
  });
});
