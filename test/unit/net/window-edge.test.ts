import { describe, expect, it } from 'vitest';
import { secondEdgeMs, waitPastSecondEdge } from '../../../app/net/window-edge';

/** A seeded generator, so the "random" gaps are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/**
 * A limiter's starts (evenly spaced at 1000/perSecond ms, sometimes later when no request was waiting), held past
 * the second's edge or not, each arriving 0 to `maxLatencyMs` later: how many requests each calendar second gets.
 */
function arrivalsPerSecond(perSecond: number, maxLatencyMs: number, held: boolean, seed: number): number[] {
  const random = lcg(seed);
  const spacing = Math.ceil(1000 / perSecond);
  const edge = secondEdgeMs(perSecond);
  const counts = new Map<number, number>();
  let start = 1_764_590_400_000 + Math.floor(random() * 1000);
  for (let i = 0; i < 5000; i++) {
    const sent = held ? start + waitPastSecondEdge(start, edge) : start;
    const second = Math.floor((sent + Math.floor(random() * (maxLatencyMs + 1))) / 1000);
    counts.set(second, (counts.get(second) ?? 0) + 1);
    // Bottleneck spaces starts from the previous start; an idle moment adds a gap.
    start += spacing + (random() < 0.3 ? Math.floor(random() * 400) : 0);
  }
  return [...counts.values()];
}

describe('holding a request past the end of a calendar second', () => {
  it('waits only in the last moments of a second, until the next one begins', () => {
    const base = 1_764_590_400_000;
    expect(secondEdgeMs(4)).toBe(50);
    expect(secondEdgeMs(10)).toBe(20);
    expect(secondEdgeMs(25)).toBe(8);
    expect(waitPastSecondEdge(base + 100, 50)).toBe(0);
    expect(waitPastSecondEdge(base + 949, 50)).toBe(0);
    expect(waitPastSecondEdge(base + 950, 50)).toBe(50);
    expect(waitPastSecondEdge(base + 999, 50)).toBe(1);
    expect(waitPastSecondEdge(base + 1000, 50)).toBe(0);
    expect(waitPastSecondEdge(base + 999, 0)).toBe(0);
  });

  it('keeps every calendar second at the limit when requests take a few milliseconds, more or less, to arrive', () => {
    for (const perSecond of [4, 10, 25]) {
      for (let seed = 1; seed <= 5; seed++) {
        const latency = Math.max(1, secondEdgeMs(perSecond) - 1);
        expect(Math.max(...arrivalsPerSecond(perSecond, latency, true, seed))).toBeLessThanOrEqual(perSecond);
      }
    }
  });

  it('is what stops the overflow: without it such arrivals overfill some seconds', () => {
    const over = [1, 2, 3, 4, 5].some(
      (seed) => Math.max(...arrivalsPerSecond(4, secondEdgeMs(4) - 1, false, seed)) > 4,
    );
    expect(over).toBe(true);
  });
});
