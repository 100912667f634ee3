/**
 * Keeping a request out of the last moments of a calendar second.
 *
 * Keap's per-second limit (and the sandbox that mirrors it) counts requests in fixed calendar-second windows, as
 * they arrive. The limiter spaces request starts evenly (at most `perSecond` in any second), but a request started
 * a few milliseconds before a second ends arrives in the next one, which then holds one more than it allows: a 429,
 * a refused slot and a second's retry. Holding such a request until the boundary keeps every second at its limit:
 * the starts that fall in a second's last `edge` milliseconds move into the next second, which then has at most the
 * starts of a one-second span, so no more than `perSecond`. With even spacing the starts settle just after each
 * boundary and nothing is lost.
 */

/** How long before a second ends a request is held back: a fifth of the spacing, at most 50 ms. */
export function secondEdgeMs(perSecond: number): number {
  return Math.min(50, Math.floor(1000 / perSecond / 5));
}

/** Milliseconds to wait at `nowMs` before sending, so the request does not start in a second's last `edgeMs`. */
export function waitPastSecondEdge(nowMs: number, edgeMs: number): number {
  if (edgeMs <= 0) return 0;
  const intoSecond = ((nowMs % 1000) + 1000) % 1000;
  return intoSecond >= 1000 - edgeMs ? 1000 - intoSecond : 0;
}
