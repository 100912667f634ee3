import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { Db } from '../store/database';
import type { Clock } from '../ports/clock';
import { AppError } from '../domain/errors';

/** A holder that has not renewed its heartbeat for this long is presumed dead and can be taken over. */
export const CLAIM_LEASE_MS = 15_000;
/** How often a live holder renews; several renewals fit in one lease so a busy moment does not lose it. */
export const CLAIM_HEARTBEAT_MS = 3_000;

export type ClaimPurpose = 'merge' | 'restore' | 'sandbox';

/** Who holds a resource now, in terms a message can use. */
export interface ClaimHolder {
  readonly resource: string;
  readonly holder: string;
  readonly pid: number;
  readonly hostname: string;
  readonly hostKind: string;
  readonly purpose: ClaimPurpose;
  readonly claimedAt: number;
  readonly heartbeatAt: number;
  readonly data: unknown;
}

interface RawClaim {
  resource: string;
  holder: string;
  pid: number;
  hostname: string;
  host_kind: string;
  purpose: ClaimPurpose;
  claimed_at: number;
  heartbeat_at: number;
  data: string | null;
}

const toHolder = (r: RawClaim): ClaimHolder => ({
  resource: r.resource,
  holder: r.holder,
  pid: r.pid,
  hostname: r.hostname,
  hostKind: r.host_kind,
  purpose: r.purpose,
  claimedAt: r.claimed_at,
  heartbeatAt: r.heartbeat_at,
  data: r.data === null ? null : (JSON.parse(r.data) as unknown),
});

/** Holders this process has and has not released: a claim of this pid outside the set was left by a crash. */
const liveHere = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ClaimEnv {
  readonly pid: number;
  readonly hostname: string;
  readonly pidAlive: (pid: number) => boolean;
}

const realEnv: ClaimEnv = { pid: process.pid, hostname: osHostname(), pidAlive };

export interface ClaimOptions {
  readonly lease?: number;
  readonly heartbeat?: number;
  /** Tests replace the process identity to play two processes in one. */
  readonly env?: ClaimEnv;
}

/**
 * Atomic ownership of a resource in the workspace database: one merge run or restore (`run:<id>`), or the
 * embedded sandbox (`sandbox`), is held by one process at a time. The holder renews a heartbeat; a claim whose
 * heartbeat lapsed, or whose process is known to be gone (same machine, pid no longer running), is taken over.
 */
export class ClaimStore {
  private readonly lease: number;
  private readonly heartbeat: number;
  private readonly env: ClaimEnv;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hostKind: string,
    options: ClaimOptions = {},
  ) {
    this.lease = options.lease ?? CLAIM_LEASE_MS;
    this.heartbeat = options.heartbeat ?? CLAIM_HEARTBEAT_MS;
    this.env = options.env ?? realEnv;
  }

  /** The current holder when it is alive; null when the resource is free or its holder is gone. */
  holder(resource: string): ClaimHolder | null {
    const row = this.db.prepare('SELECT * FROM claims WHERE resource = ?').get(resource) as
      RawClaim | undefined;
    return row && this.alive(row) ? toHolder(row) : null;
  }

  /** Takes the resource, or returns who holds it. One IMMEDIATE transaction, so two processes cannot both win. */
  tryAcquire(resource: string, purpose: ClaimPurpose, data?: unknown): Claim | ClaimHolder {
    const holder = `${this.env.pid}-${randomBytes(6).toString('hex')}`;
    const now = this.clock.now();
    const taken = this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT * FROM claims WHERE resource = ?').get(resource) as
          RawClaim | undefined;
        if (row && this.alive(row)) return toHolder(row);
        this.db
          .prepare(
            `INSERT OR REPLACE INTO claims (resource, holder, pid, hostname, host_kind, purpose, claimed_at,
            heartbeat_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            resource,
            holder,
            this.env.pid,
            this.env.hostname,
            this.hostKind,
            purpose,
            now,
            now,
            data === undefined ? null : JSON.stringify(data),
          );
        return null;
      })
      .immediate();
    if (taken) return taken;
    liveHere.add(holder);
    return new Claim(this.db, this.clock, resource, holder, this.heartbeat);
  }

  /**
   * Takes the resource or fails with BUSY and `describe(holder)` as the message; with `waitMs`, polls until the
   * holder finishes (or dies and its lease lapses) for up to that long first.
   */
  async acquire(
    resource: string,
    purpose: ClaimPurpose,
    describe: (holder: ClaimHolder) => string,
    options: { readonly waitMs?: number; readonly signal?: AbortSignal; readonly data?: unknown } = {},
  ): Promise<Claim> {
    const deadline = this.clock.now() + (options.waitMs ?? 0);
    for (;;) {
      const got = this.tryAcquire(resource, purpose, options.data);
      if (got instanceof Claim) return got;
      if (this.clock.now() >= deadline) {
        throw new AppError('BUSY', describe(got), {
          resource,
          purpose: got.purpose,
          pid: got.pid,
          host: got.hostKind,
          since: new Date(got.claimedAt).toISOString(),
        });
      }
      await this.clock.sleep(Math.min(500, this.lease / 4), options.signal);
    }
  }

  private alive(row: RawClaim): boolean {
    if (this.clock.now() - row.heartbeat_at >= this.lease) return false;
    if (row.hostname !== this.env.hostname) return true;
    if (row.pid === this.env.pid) return liveHere.has(row.holder);
    return this.env.pidAlive(row.pid);
  }
}

/** A held claim: renewed on a timer and before every side effect, released when the work ends. */
export class Claim {
  private timer: ReturnType<typeof setInterval> | null = null;
  private lost = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly resource: string,
    readonly holder: string,
    heartbeat: number,
  ) {
    this.timer = setInterval(() => {
      try {
        this.renew();
      } catch {
        // A busy moment or a closed database (the process is going away): the next beat, or the lease, decides.
      }
    }, heartbeat);
    this.timer.unref();
  }

  /** Renews the heartbeat; false when another process took the claim over (this one was presumed dead). */
  renew(): boolean {
    if (this.lost) return false;
    const changed = this.db
      .prepare('UPDATE claims SET heartbeat_at = ? WHERE resource = ? AND holder = ?')
      .run(this.clock.now(), this.resource, this.holder).changes;
    if (changed === 0) {
      this.lost = true;
      this.stopTimer();
    }
    return !this.lost;
  }

  /** Called before a side effect: a holder that lost its claim must stop before it writes anything. */
  assertHeld(what: string): void {
    if (!this.renew()) {
      throw new AppError(
        'BUSY',
        `Another Mergedesk window or process took over ${what} while this one was not responding; it goes on there.`,
        { claimLost: true, resource: this.resource },
      );
    }
  }

  /** Updates the data recorded with the claim (the embedded sandbox records its ports). */
  setData(data: unknown): void {
    this.db
      .prepare('UPDATE claims SET data = ? WHERE resource = ? AND holder = ?')
      .run(JSON.stringify(data), this.resource, this.holder);
  }

  release(): void {
    this.stopTimer();
    liveHere.delete(this.holder);
    if (this.lost) return;
    try {
      this.db.prepare('DELETE FROM claims WHERE resource = ? AND holder = ?').run(this.resource, this.holder);
    } catch {
      // The database is gone with the process; the lease ends the claim instead.
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export const isClaimLost = (error: unknown): boolean =>
  error instanceof AppError &&
  error.code === 'BUSY' &&
  (error.details as { claimLost?: boolean } | undefined)?.claimLost === true;

/** "the CLI (pid 1234) since 11:02:03 UTC": who holds a claim, for messages. */
export function describeHolder(h: ClaimHolder): string {
  const who =
    h.hostKind === 'cli'
      ? 'a mergedesk command'
      : h.hostKind === 'web'
        ? 'the Mergedesk browser app'
        : h.hostKind === 'electron'
          ? 'the Mergedesk desktop app'
          : 'another Mergedesk process';
  const since = new Date(h.claimedAt).toISOString().slice(11, 19);
  return `${who} (process ${h.pid}${h.hostname !== osHostname() ? ` on ${h.hostname}` : ''}) since ${since} UTC`;
}
