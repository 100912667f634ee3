/**
 * How many merges a batch keeps in flight so that the CRM's rate limiter, not the merge pipeline, sets the pace.
 *
 * A merge spends a few CRM requests spread over a chain of steps (CRM reads and writes, WordPress calls, journal
 * commits), so one merge alone leaves the limiter idle most of the time. By Little's law, spending R requests a
 * second with merges of q requests that take D seconds each needs R·D/q merges in flight. D is not known in
 * advance: it grows with the WordPress site's latency and the machine's load. The pacer measures it from the merges
 * that finished and raises the number in flight while the batch spends less than the allowed rate; once the
 * limiter is saturated, adding merges only lengthens its queue, so it holds.
 *
 * Pure and clock-free: the batch passes the times in, so tests drive it with a fake clock.
 */

export interface PaceOptions {
  /** Merges in flight at the start and the least ever kept. */
  readonly initial: number;
  /** The most in flight: each one holds a read of its records while it waits in the limiter's queue. */
  readonly max: number;
  /** How far back the measured pace looks. */
  readonly windowMs: number;
  /** A batch spending at least this share of the allowed rate is limited by the CRM, not by the pipeline. */
  readonly saturatedShare: number;
}

export const DEFAULT_PACE: PaceOptions = { initial: 4, max: 8, windowMs: 20_000, saturatedShare: 0.95 };

interface Finished {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly requests: number;
}

interface Count {
  readonly at: number;
  /** Requests sent so far: the CRM client's own count, or the estimates of the merges finished. */
  readonly sent: number;
  /** Requests waiting for the client's limiter at that moment, when the client says. */
  readonly waiting: number | null;
}

/** Share of merge ends at which the limiter must have had nothing waiting before more merges are worth adding. */
const IDLE_SHARE = 0.25;

/** Spare capacity on top of Little's law: merges do not finish evenly, and the limiter must never run dry. */
const HEADROOM = 1.25;

export class MergePacer {
  private readonly finished: Finished[] = [];
  private readonly counts: Count[] = [];
  private estimated = 0;
  private inFlightTarget: number;
  private lastRaisedAt: number | null = null;
  /** Waits for the CRM's daily reset: not pipeline time, so they stay out of the pace. */
  private readonly pauses: { readonly from: number; readonly to: number }[] = [];

  constructor(
    private readonly startedAt: number,
    private readonly options: PaceOptions = DEFAULT_PACE,
  ) {
    this.inFlightTarget = Math.max(1, Math.min(options.initial, options.max));
  }

  /** How many merges should be in flight now. */
  get target(): number {
    return this.inFlightTarget;
  }

  /** A wait for the CRM's reset (a day's quota spent): the pace leaves it out. */
  paused(from: number, to: number): void {
    if (to > from) this.pauses.push({ from, to });
  }

  /**
   * A merge ended after spending about `requests` (its estimate); the CRM allows `allowedPerSecond`, and its
   * client has sent `sent` requests in all and has `waiting` queued in its limiter, when it counts them (the pace
   * is then exact, not estimated from merges, and a busy limiter is seen directly). Re-judges how many merges to
   * keep in flight and returns the new target.
   */
  merged(
    startedAt: number,
    endedAt: number,
    requests: number,
    allowedPerSecond: number | null,
    sent: number | null = null,
    waiting: number | null = null,
  ): number {
    this.finished.push({ startedAt, endedAt, requests });
    this.estimated += requests;
    this.counts.push({ at: endedAt, sent: sent ?? this.estimated, waiting });
    if (!allowedPerSecond || allowedPerSecond <= 0) return this.inFlightTarget;
    const { windowMs, saturatedShare, max } = this.options;
    const pace = this.pace(endedAt);
    // Too early to tell a slow pipeline from a batch that has only just started.
    if (pace === null || pace >= allowedPerSecond * saturatedShare) return this.inFlightTarget;
    // Requests kept waiting for the limiter at most merge ends: it is busy, and the shortfall is the CRM's
    // (refused requests, a spent minute), which more merges would not fill.
    if (this.limiterBusy(endedAt - windowMs)) return this.inFlightTarget;
    // Raise at most once per quarter window, so the last change has shown in the pace before the next.
    if (this.lastRaisedAt !== null && endedAt - this.lastRaisedAt < windowMs / 4) return this.inFlightTarget;
    const recent = this.finished.filter((f) => f.endedAt > endedAt - windowMs);
    const duration = recent.reduce((a, f) => a + (f.endedAt - f.startedAt), 0) / recent.length / 1000;
    const perMerge = recent.reduce((a, f) => a + f.requests, 0) / recent.length;
    const needed = perMerge > 0 ? Math.ceil(((allowedPerSecond * duration) / perMerge) * HEADROOM) : max;
    // Enough in flight already: the shortfall comes from elsewhere (throttle retries, the tail), and more merges
    // would only add work. Otherwise two more at most at a time, since the pace lags what is in flight.
    const next = Math.min(max, this.inFlightTarget + 2, needed);
    if (next > this.inFlightTarget) {
      this.inFlightTarget = next;
      this.lastRaisedAt = endedAt;
    }
    return this.inFlightTarget;
  }

  /** Requests a second over the whole batch so far, waits for the reset left out; null before two counts. */
  sustained(): number | null {
    const first = this.counts[0];
    const last = this.counts[this.counts.length - 1];
    if (!first || !last) return null;
    const ms = this.activeMs(first.at, last.at);
    return ms > 0 ? (last.sent - first.sent) / (ms / 1000) : null;
  }

  /** Requests a second over the last window, once half a window has been counted; null before. */
  private pace(now: number): number | null {
    const from = now - this.options.windowMs;
    const oldest = this.counts.find((c) => c.at >= from);
    const last = this.counts[this.counts.length - 1];
    if (!oldest || !last) return null;
    const ms = this.activeMs(oldest.at, now);
    if (ms < this.options.windowMs / 2 || now - this.startedAt < this.options.windowMs / 2) return null;
    return (last.sent - oldest.sent) / (ms / 1000);
  }

  /** Whether the limiter had requests waiting at nearly every merge end since `from` (false when unknown). */
  private limiterBusy(from: number): boolean {
    const seen = this.counts.filter((c) => c.at >= from && c.waiting !== null);
    if (seen.length === 0) return false;
    return seen.filter((c) => c.waiting === 0).length < seen.length * IDLE_SHARE;
  }

  /** Milliseconds of [from, to] not spent waiting for a reset. */
  private activeMs(from: number, to: number): number {
    let ms = to - from;
    for (const p of this.pauses) ms -= Math.max(0, Math.min(to, p.to) - Math.max(from, p.from));
    return ms;
  }
}
