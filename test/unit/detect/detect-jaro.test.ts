import { describe, expect, it } from 'vitest';
import {
  jaroWinkler as ours,
  jaroWinklerBoundWithout,
  jaroWinklerFrom,
  jaroWinklerRange,
  jaroWinklerRangeFrom,
} from '../../../app/detect/jaro-winkler';
import { jaroWinkler as talisman } from '../../../app/detect/talisman';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('allocation-free Jaro–Winkler', () => {
  it('gives exactly the figures of talisman on names, typos and edge cases', () => {
    const fixed: [string, string][] = [
      ['martha', 'marhta'],
      ['dwayne', 'duane'],
      ['dixon', 'dicksonx'],
      ['', 'abc'],
      ['abc', ''],
      ['', ''],
      ['a', 'a'],
      ['a', 'b'],
      ['zoë', 'zoe'],
      ['jonathan', 'jonathon'],
      ['x'.repeat(200), 'x'.repeat(199) + 'y'],
    ];
    for (const [a, b] of fixed) expect(ours(a, b)).toBe(talisman(a, b));
    const r = rng(11);
    const word = () =>
      Array.from({ length: 1 + Math.floor(r() * 12) }, () => 'abcdehilmnorst '[Math.floor(r() * 15)]).join(
        '',
      );
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = r() < 0.5 ? word() : a.slice(0, -1) + word().slice(0, 2);
      expect(ours(a, b)).toBe(talisman(a, b));
    }
  });
});

describe('Jaro–Winkler over ranges', () => {
  it('equals Jaro–Winkler of the substrings', () => {
    const pairs: [string, string][] = [
      ['will.smith@gmail.com', 'wil.smith@gmail.co'],
      ['a@b', 'a@b'],
      ['@x.org', 'ann@'],
      ['jonathan@example.org', 'jonathon@exmaple.org'],
    ];
    for (const [x, y] of pairs) {
      const ax = x.lastIndexOf('@');
      const by = y.lastIndexOf('@');
      expect(jaroWinklerRange(x, 0, ax, y, 0, by)).toBe(talisman(x.slice(0, ax), y.slice(0, by)));
      expect(jaroWinklerRange(x, ax + 1, x.length, y, by + 1, y.length)).toBe(
        ours(x.slice(ax + 1), y.slice(by + 1)),
      );
    }
  });
});

describe('Jaro–Winkler from a floor', () => {
  it('is exact at or above the floor and below it otherwise, and the bound settles most unrelated pairs', () => {
    const r = rng(7);
    const letters = 'abcdeghilmnorstuyzéøß' + '\u0142\u4e2d';
    const word = () =>
      Array.from({ length: 1 + Math.floor(r() * 14) }, () => letters[Math.floor(r() * letters.length)]).join(
        '',
      );
    let settled = 0;
    let total = 0;
    for (const floor of [0.85, 0.9, 0.92]) {
      for (let i = 0; i < 4000; i++) {
        const a = word();
        const b = r() < 0.5 ? word() : a.slice(0, -1) + word().slice(0, 2);
        const exact = ours(a, b);
        const from = jaroWinklerFrom(floor, a, b);
        if (exact >= floor) expect(from).toBe(exact);
        else expect(from).toBeLessThan(floor);
        const x = `${a}@${b}`;
        const y = `${b}@${a}`;
        const ranged = jaroWinklerRangeFrom(floor, x, 0, a.length, y, 0, b.length);
        if (exact >= floor) expect(ranged).toBe(jaroWinklerRange(x, 0, a.length, y, 0, b.length));
        else expect(ranged).toBeLessThan(floor);
        total += 1;
        if (from === 0 && exact > 0) settled += 1;
      }
    }
    // The point of the bound: many pairs never reach the quadratic part.
    expect(settled / total).toBeGreaterThan(0.2);
  });
});

describe('Jaro–Winkler bound without spaces', () => {
  it('never rules out a pair whose compacted values reach the floor', () => {
    const r = rng(5);
    const letters = 'abcdehilmnorst  \u0142';
    const word = () =>
      Array.from({ length: Math.floor(r() * 16) }, () => letters[Math.floor(r() * letters.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = r() < 0.5 ? word() : a.slice(0, -1) + word().slice(0, 2);
      const exact = jaroWinklerFrom(0.9, a.replace(/ /g, ''), b.replace(/ /g, ''));
      if (exact >= 0.9) expect(jaroWinklerBoundWithout(0x20, a, b)).toBeGreaterThanOrEqual(0.9);
    }
    for (const [a, b] of [
      ['high street', 'highstreet'],
      ['  ', ' '],
      ['a b', 'ab'],
    ] as const)
      expect(jaroWinklerBoundWithout(0x20, a, b)).toBe(1);
  });
});
