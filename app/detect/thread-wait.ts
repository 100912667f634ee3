/**
 * Blocks this thread while another one works, for as long as that one shows it is alive: `cells[state]` holds
 * `busy` while it works, and it bumps `cells[beat]` at each piece of work done (and notifies `cells[state]`).
 * Returns when the state leaves `busy`, or after `silentMs` without a beat (a thread that ran out of memory or
 * hung; the caller then does the work itself). Detection waits this way (`Atomics.wait`) so its entry points stay
 * synchronous.
 */
export function waitWhileBusy(
  cells: Int32Array,
  at: { readonly state: number; readonly beat: number },
  busy: number,
  silentMs: number,
  sliceMs: number,
): void {
  let beat = Atomics.load(cells, at.beat);
  let silentSince = performance.now();
  while (Atomics.load(cells, at.state) === busy) {
    Atomics.wait(cells, at.state, busy, sliceMs);
    const now = Atomics.load(cells, at.beat);
    if (now !== beat) {
      beat = now;
      silentSince = performance.now();
    } else if (performance.now() - silentSince > silentMs) return;
  }
}
