import { describe, expect, it } from 'vitest';
import { DEFAULT_PACE, MergePacer } from '../../../app/merge/batch-pace';

const T0 = Date.UTC(2026, 11, 1, 12);
const OPTIONS = { initial: 4, max: 8, windowMs: 20_000, saturatedShare: 0.95 };

/**
 * A batch on a fake clock, as the CRM sees it: a limiter that serves one request every 1/`allowed` seconds in
 * order of arrival, and merges of `requests` requests each, every request followed by `workMs` of work that is not
 * the CRM's (WordPress calls, journal commits). Merges start as the pacer allows. Returns the pacer's target after
 * each merge and what the limiter served.
 */
function simulate(
  pacer: MergePacer,
  opts: { merges: number; requests: number; workMs: number; allowed: number; counted?: boolean },
): { targets: number[]; served: number; endedAt: number } {
  const spacing = 1000 / opts.allowed;
  interface Merge {
    readonly startedAt: number;
    left: number;
    /** When its next request is ready for the limiter, or its end once none is left. */
    readyAt: number;
  }
  const targets: number[] = [];
  let running: Merge[] = [];
  let now = T0;
  let started = 0;
  let served = 0;
  let limiterFreeAt = T0;
  while (targets.length < opts.merges) {
    while (running.length < pacer.target && started < opts.merges) {
      running.push({ startedAt: now, left: opts.requests, readyAt: now });
      started++;
    }
    // The next event: a finished merge, or the limiter serving the request that has waited longest.
    const done = running.filter((m) => m.left === 0).sort((a, b) => a.readyAt - b.readyAt)[0];
    const waiting = running.filter((m) => m.left > 0).sort((a, b) => a.readyAt - b.readyAt)[0];
    const serveAt = waiting ? Math.max(waiting.readyAt, limiterFreeAt) : Infinity;
    if (done && done.readyAt <= serveAt) {
      now = Math.max(now, done.readyAt);
      running = running.filter((m) => m !== done);
      const counted = opts.counted !== false;
      // Requests ready and not yet served are what waits in the limiter's queue.
      const waiting = running.filter((m) => m.left > 0 && m.readyAt <= now).length;
      targets.push(
        pacer.merged(
          done.startedAt,
          now,
          opts.requests,
          opts.allowed,
          counted ? served : null,
          counted ? waiting : null,
        ),
      );
      continue;
    }
    now = serveAt;
    limiterFreeAt = serveAt + spacing;
    served++;
    waiting!.left--;
    waiting!.readyAt = now + opts.workMs;
  }
  return { targets, served, endedAt: now };
}

describe('the batch pacer', () => {
  it('keeps its starting number in flight until it has a window of merges to judge by', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    expect(pacer.target).toBe(4);
    // Ten merges of 4 requests in 9 s: far below 4 a second, but too early to tell.
    for (let i = 1; i <= 10; i++) pacer.merged(T0, T0 + i * 900, 4, 4);
    expect(pacer.target).toBe(4);
  });

  it('raises the merges in flight while a slow pipeline leaves the CRM budget unspent, up to its maximum', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    // Four requests a merge, 1.5 s of WordPress and journal work after each: a merge takes ~6 s, so four in
    // flight spend ~2.7 requests a second of the 4 allowed; Little's law wants six.
    const { targets, served, endedAt } = simulate(pacer, {
      merges: 150,
      requests: 4,
      workMs: 1500,
      allowed: 4,
    });
    expect(targets[0]).toBe(4);
    expect(Math.max(...targets)).toBeGreaterThanOrEqual(6);
    expect(Math.max(...targets)).toBeLessThanOrEqual(8);
    // Raised step by step, never lowered.
    for (let i = 1; i < targets.length; i++) {
      expect(targets[i]! - targets[i - 1]!).toBeGreaterThanOrEqual(0);
      expect(targets[i]! - targets[i - 1]!).toBeLessThanOrEqual(2);
    }
    expect(served).toBe(600);
    // Four in flight throughout would have spent 2/3 of the budget; the pacer gets past nine tenths.
    expect(served / ((endedAt - T0) / 1000) / 4).toBeGreaterThan(0.9);
    const fixed = simulate(new MergePacer(T0, { ...OPTIONS, max: 4 }), {
      merges: 150,
      requests: 4,
      workMs: 1500,
      allowed: 4,
    });
    expect(fixed.served / ((fixed.endedAt - T0) / 1000) / 4).toBeLessThan(0.75);
  });

  it('holds when the limiter is the bottleneck: more merges would only queue', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    // 100 ms of work after each request: four merges in flight keep the limiter busy all the time.
    const { targets, served, endedAt } = simulate(pacer, {
      merges: 200,
      requests: 4,
      workMs: 100,
      allowed: 4,
    });
    expect(new Set(targets)).toEqual(new Set([4]));
    expect(served / ((endedAt - T0) / 1000)).toBeCloseTo(4, 1);
    expect(pacer.sustained()).toBeCloseTo(4, 1);
  });

  it('judges by the merges’ estimates when the client does not count its requests', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    const { targets } = simulate(pacer, {
      merges: 150,
      requests: 4,
      workMs: 1500,
      allowed: 4,
      counted: false,
    });
    expect(Math.max(...targets)).toBeGreaterThan(4);
    const saturated = new MergePacer(T0, OPTIONS);
    const held = simulate(saturated, { merges: 200, requests: 4, workMs: 100, allowed: 4, counted: false });
    expect(new Set(held.targets)).toEqual(new Set([4]));
  });

  it('adds nothing when the merges in flight are already enough for the budget and the shortfall is elsewhere', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    // Merges of 4 requests taking 2 s each (Little's law: 4 × 2 / 4 × 1.25 = 2.5, so 3 would do), but only 2
    // requests a second counted: the CRM refused or delayed the rest. Four in flight stay four.
    const targets: number[] = [];
    for (let i = 1; i <= 40; i++)
      targets.push(pacer.merged(T0 + i * 1000 - 2000, T0 + i * 1000, 4, 4, i * 2));
    expect(new Set(targets)).toEqual(new Set([4]));
  });

  it('adds nothing while requests wait for the limiter, even when the CRM let fewer through than allowed', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    // Merges of 4 requests taking 6 s (Little's law wants more than four), 2 requests a second counted (the CRM
    // refused the rest), and the limiter had requests waiting at every merge end: it is busy, not idle.
    const targets: number[] = [];
    for (let i = 1; i <= 40; i++)
      targets.push(pacer.merged(T0 + i * 1000 - 6000, T0 + i * 1000, 4, 4, i * 2, 3));
    expect(new Set(targets)).toEqual(new Set([4]));
    // The same with the limiter found idle at most merge ends: the pipeline is short of merges.
    const idle = new MergePacer(T0, OPTIONS);
    for (let i = 1; i <= 40; i++)
      idle.merged(T0 + i * 1000 - 6000, T0 + i * 1000, 4, 4, i * 2, i % 4 === 0 ? 1 : 0);
    expect(idle.target).toBeGreaterThan(4);
  });

  it('never goes past the number a caller fixed', () => {
    const pacer = new MergePacer(T0, { ...OPTIONS, initial: 1, max: 1 });
    const { targets } = simulate(pacer, { merges: 60, requests: 4, workMs: 1500, allowed: 4 });
    expect(new Set(targets)).toEqual(new Set([1]));
  });

  it('keeps its number when the CRM has not said what it allows', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    const targets: number[] = [];
    for (let i = 1; i <= 60; i++)
      targets.push(pacer.merged(T0 + (i - 1) * 6000, T0 + i * 6000, 4, null, i * 4));
    expect(new Set(targets)).toEqual(new Set([4]));
  });

  it('leaves a wait for the daily reset out of the pace it measures', () => {
    const pacer = new MergePacer(T0, OPTIONS);
    // One merge of 4 requests a second for 25 s, an hour waiting for the reset, then 25 s more.
    for (let i = 1; i <= 25; i++) pacer.merged(T0 + (i - 1) * 1000, T0 + i * 1000, 4, 4, i * 4);
    const resumed = T0 + 25_000 + 3_600_000;
    pacer.paused(T0 + 25_000, resumed);
    for (let i = 1; i <= 25; i++)
      pacer.merged(resumed + (i - 1) * 1000, resumed + i * 1000, 4, 4, 100 + i * 4);
    // The budget was spent whenever the batch could send: nothing to raise, the hour notwithstanding.
    expect(pacer.sustained()).toBeCloseTo(4, 1);
    expect(pacer.target).toBe(4);
  });

  it('starts from the default of four in flight', () => {
    expect(new MergePacer(T0).target).toBe(DEFAULT_PACE.initial);
  });
});
