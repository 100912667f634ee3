import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../app/store/database';
import { Claim, ClaimStore, CLAIM_LEASE_MS, type ClaimEnv } from '../../../app/workspace/claims';
import { isAppError } from '../../../app/domain/errors';
import type { Clock } from '../../../app/ports/clock';

const dbs: Db[] = [];
afterEach(() => {
  while (dbs.length) dbs.pop()!.close();
});

function manualClock(start = Date.UTC(2026, 11, 1, 11)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance(ms) {
      now += ms;
    },
  };
}

/** Two "processes" on one machine: distinct pids, both alive unless the test says one died. */
function processes() {
  const alive = new Set([1001, 1002]);
  const env = (pid: number): ClaimEnv => ({ pid, hostname: 'desk', pidAlive: (p) => alive.has(p) });
  return { a: env(1001), b: env(1002), kill: (pid: number) => alive.delete(pid) };
}

function db(): Db {
  const d = openDatabase(':memory:');
  dbs.push(d);
  return d;
}

describe('run claims', () => {
  it('gives a run to one holder; a second is refused with who holds it and since when', async () => {
    const d = db();
    const clock = manualClock();
    const p = processes();
    const a = new ClaimStore(d, clock, 'web', { env: p.a });
    const b = new ClaimStore(d, clock, 'cli', { env: p.b });
    const held = a.tryAcquire('run:r1', 'merge');
    expect(held).toBeInstanceOf(Claim);
    const other = b.tryAcquire('run:r1', 'merge');
    expect(other).not.toBeInstanceOf(Claim);
    const error = await b
      .acquire('run:r1', 'merge', (h) => `held by ${h.hostKind} pid ${h.pid}`)
      .catch((e: unknown) => e);
    expect(isAppError(error, 'BUSY')).toBe(true);
    expect((error as Error).message).toBe('held by web pid 1001');
    (held as Claim).release();
    expect(b.tryAcquire('run:r1', 'merge')).toBeInstanceOf(Claim);
  });

  it('a live holder that keeps its heartbeat keeps the run past the lease', () => {
    const d = db();
    const clock = manualClock();
    const p = processes();
    const held = new ClaimStore(d, clock, 'cli', { env: p.a }).tryAcquire('run:r1', 'merge') as Claim;
    const b = new ClaimStore(d, clock, 'cli', { env: p.b });
    for (let i = 0; i < 10; i++) {
      clock.advance(CLAIM_LEASE_MS / 3);
      expect(held.renew()).toBe(true);
      expect(b.tryAcquire('run:r1', 'merge')).not.toBeInstanceOf(Claim);
    }
    held.release();
  });

  it('a holder whose heartbeat lapsed is taken over, and finds out before its next side effect', () => {
    const d = db();
    const clock = manualClock();
    const p = processes();
    const held = new ClaimStore(d, clock, 'cli', { env: p.a }).tryAcquire('run:r1', 'merge') as Claim;
    const b = new ClaimStore(d, clock, 'cli', { env: p.b });
    clock.advance(CLAIM_LEASE_MS - 1);
    expect(b.tryAcquire('run:r1', 'merge')).not.toBeInstanceOf(Claim);
    clock.advance(1);
    const taken = b.tryAcquire('run:r1', 'merge');
    expect(taken).toBeInstanceOf(Claim);
    expect(held.renew()).toBe(false);
    let lost: unknown;
    try {
      held.assertHeld('this merge');
    } catch (e) {
      lost = e;
    }
    expect(isAppError(lost, 'BUSY')).toBe(true);
    // The old holder's release must not free the new holder's claim.
    held.release();
    expect(new ClaimStore(d, clock, 'cli', { env: p.a }).tryAcquire('run:r1', 'merge')).not.toBeInstanceOf(
      Claim,
    );
    (taken as Claim).release();
  });

  it('a holder known to be gone (same machine, process no longer running) is taken over at once', () => {
    const d = db();
    const clock = manualClock();
    const p = processes();
    new ClaimStore(d, clock, 'cli', { env: p.a }).tryAcquire('run:r1', 'merge');
    const b = new ClaimStore(d, clock, 'cli', { env: p.b });
    expect(b.tryAcquire('run:r1', 'merge')).not.toBeInstanceOf(Claim);
    p.kill(1001);
    expect(b.tryAcquire('run:r1', 'merge')).toBeInstanceOf(Claim);
  });

  it('a holder on another machine is trusted until its lease lapses', () => {
    const d = db();
    const clock = manualClock();
    const p = processes();
    new ClaimStore(d, clock, 'cli', {
      env: { ...p.a, hostname: 'laptop', pidAlive: () => false },
    }).tryAcquire('run:r1', 'merge');
    const b = new ClaimStore(d, clock, 'cli', { env: p.b });
    expect(b.tryAcquire('run:r1', 'merge')).not.toBeInstanceOf(Claim);
    clock.advance(CLAIM_LEASE_MS);
    expect(b.tryAcquire('run:r1', 'merge')).toBeInstanceOf(Claim);
  });

  it('waits for the holder when asked, on the injected clock', async () => {
    const d = db();
    const clock = manualClock();
    const p = processes();
    new ClaimStore(d, clock, 'cli', { env: p.a }).tryAcquire('run:r1', 'merge');
    const b = new ClaimStore(d, clock, 'cli', { env: p.b });
    // The holder stops beating (frozen); a waiter gets the run once the lease has lapsed.
    const got = await b.acquire('run:r1', 'merge', () => 'busy', { waitMs: CLAIM_LEASE_MS * 2 });
    expect(got).toBeInstanceOf(Claim);
    got.release();
  });
});
