import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database';
import { appendAudit, auditSubject, listAudit, type AuditEntry } from '../store/audit-log';
import type { GuardCode, MergePlan } from './types';

export type RunStatus =
  'planned' | 'dry_run' | 'running' | 'completed' | 'failed' | 'interrupted' | 'stale' | 'restored';
export type StepStatus = 'pending' | 'running' | 'retrying' | 'done' | 'failed';

export interface RunRow {
  readonly id: string;
  readonly connectionId: string;
  readonly groupId: number | null;
  readonly groupKey: string | null;
  readonly survivorId: string;
  readonly loserIds: readonly string[];
  readonly strategy: 'native' | 'manual';
  readonly plan: MergePlan;
  readonly confirmed: readonly GuardCode[];
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown } | null;
  readonly restoredAt: string | null;
  readonly restoreResult: unknown;
}

export interface StepRow {
  readonly seq: number;
  readonly name: string;
  readonly target: string | null;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly request: unknown;
  readonly response: unknown;
  readonly error: { readonly code: string; readonly message: string } | null;
}

const json = (v: unknown): string => JSON.stringify(v ?? null);
const parse = (s: string | null): unknown => {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
};

interface RawRun {
  id: string;
  connection_id: string;
  group_id: number | null;
  group_key: string | null;
  survivor_id: string;
  loser_ids: string;
  strategy: 'native' | 'manual';
  plan: string;
  confirmed: string;
  status: RunStatus;
  dry_run: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  restored_at: string | null;
  restore_result: string | null;
}

interface RawStep {
  seq: number;
  name: string;
  target: string | null;
  status: StepStatus;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  request: string | null;
  response: string | null;
  error: string | null;
}

const toStep = (r: RawStep): StepRow => ({
  seq: r.seq,
  name: r.name,
  target: r.target,
  status: r.status,
  attempts: r.attempts,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  request: parse(r.request),
  response: parse(r.response),
  error: parse(r.error) as StepRow['error'],
});

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  connectionId: r.connection_id,
  groupId: r.group_id,
  groupKey: r.group_key,
  survivorId: r.survivor_id,
  loserIds: parse(r.loser_ids) as string[],
  strategy: r.strategy,
  plan: parse(r.plan) as MergePlan,
  confirmed: parse(r.confirmed) as GuardCode[],
  status: r.status,
  dryRun: r.dry_run === 1,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: parse(r.error) as RunRow['error'],
  restoredAt: r.restored_at,
  restoreResult: parse(r.restore_result),
});

/** How many of a run's steps there are and how many are done, prepared once for a list of runs. */
export function stepCounter(db: Db): (runId: string) => { total: number; done: number | null } {
  const stmt = db.prepare(
    `SELECT count(*) AS total, sum(status = 'done') AS done FROM merge_steps WHERE run_id = ? AND seq > 0`,
  );
  return (runId) => stmt.get(runId) as { total: number; done: number | null };
}

/**
 * The merge journal over merge_runs / merge_steps / snapshots / audit_log. Every write is its own short
 * transaction and commits before the caller goes on to a side effect.
 */
export class MergeJournal {
  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  createRun(
    plan: MergePlan,
    options: { status: 'planned' | 'dry_run'; confirmed?: readonly GuardCode[] },
  ): string {
    const id = randomUUID();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO merge_runs (id, connection_id, group_id, group_key, survivor_id, loser_ids, strategy, plan,
            confirmed, status, dry_run, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          plan.connectionId,
          plan.groupId,
          plan.groupKey,
          plan.survivorId,
          json(plan.loserIds),
          plan.strategy,
          json(plan),
          json(options.confirmed ?? []),
          options.status,
          options.status === 'dry_run' ? 1 : 0,
          this.now(),
        );
      this.audit(
        options.status === 'dry_run' ? 'merge.dry_run' : 'merge.planned',
        plan.connectionId,
        id,
        plan.survivorId,
        {
          losers: plan.loserIds,
          groupId: plan.groupId,
        },
      );
    })();
    return id;
  }

  run(id: string): RunRow | null {
    const r = this.db.prepare('SELECT * FROM merge_runs WHERE id = ?').get(id) as RawRun | undefined;
    return r ? toRun(r) : null;
  }

  /** The runs among `ids` with one of `statuses`, in the order of `ids` (a batch's runs, whatever their number). */
  runsWithIds(ids: readonly string[], statuses: readonly RunStatus[]): RunRow[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT r.* FROM json_each(?) AS i JOIN merge_runs r ON r.id = i.value
         WHERE r.status IN (SELECT value FROM json_each(?)) ORDER BY i.key`,
      )
      .all(JSON.stringify(ids), JSON.stringify(statuses)) as RawRun[];
    return rows.map(toRun);
  }

  runs(
    filter: { status?: readonly RunStatus[]; limit?: number; offset?: number; groupId?: number } = {},
  ): RunRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(',')})`);
      args.push(...filter.status);
    }
    if (filter.groupId !== undefined) {
      where.push('group_id = ?');
      args.push(filter.groupId);
    }
    const sql = `SELECT * FROM merge_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 200, filter.offset ?? 0) as RawRun[]).map(
      toRun,
    );
  }

  steps(runId: string): StepRow[] {
    const rows = this.db
      .prepare('SELECT * FROM merge_steps WHERE run_id = ? ORDER BY seq')
      .all(runId) as RawStep[];
    return rows.map(toStep);
  }

  /** Lays out every step as pending (idempotent), so the journal shows the whole run from the start. */
  ensureSteps(runId: string, steps: readonly { name: string; target: string | null }[]): void {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO merge_steps (run_id, seq, name, target, status) VALUES (?, ?, ?, ?, 'pending')`,
    );
    this.db.transaction(() => {
      insert.run(runId, 0, 'planned', null);
      this.db
        .prepare(
          `UPDATE merge_steps SET status = 'done', finished_at = coalesce(finished_at, ?) WHERE run_id = ? AND seq = 0`,
        )
        .run(this.now(), runId);
      steps.forEach((s, i) => insert.run(runId, i + 1, s.name, s.target));
    })();
  }

  setRunStatus(
    runId: string,
    status: RunStatus,
    extra: { error?: unknown; finished?: boolean; started?: boolean } = {},
  ): void {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE merge_runs SET status = ?, error = ?, started_at = CASE WHEN ? THEN coalesce(started_at, ?) ELSE started_at END,
          finished_at = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ?`,
      )
      .run(
        status,
        extra.error === undefined ? null : json(extra.error),
        extra.started ? 1 : 0,
        now,
        extra.finished ? 1 : 0,
        now,
        runId,
      );
  }

  setConfirmed(runId: string, confirmed: readonly GuardCode[]): void {
    this.db.prepare('UPDATE merge_runs SET confirmed = ? WHERE id = ?').run(json(confirmed), runId);
  }

  /** Commits the intent of a side effect before it is attempted. */
  stepIntent(runId: string, seq: number, request: unknown): void {
    this.db
      .prepare(
        `UPDATE merge_steps SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, ?),
          request = ?, error = NULL WHERE run_id = ? AND seq = ?`,
      )
      .run(this.now(), json(request), runId, seq);
  }

  stepDone(runId: string, seq: number, response: unknown, alsoInSameTransaction?: () => void): void {
    this.db.transaction(() => {
      alsoInSameTransaction?.();
      this.db
        .prepare(
          `UPDATE merge_steps SET status = 'done', finished_at = ?, response = ?, error = NULL WHERE run_id = ? AND seq = ?`,
        )
        .run(this.now(), json(response), runId, seq);
    })();
  }

  stepError(
    runId: string,
    seq: number,
    status: 'retrying' | 'failed',
    error: { code: string; message: string },
  ): void {
    this.db
      .prepare(`UPDATE merge_steps SET status = ?, error = ? WHERE run_id = ? AND seq = ?`)
      .run(status, json(error), runId, seq);
  }

  saveSnapshot(runId: string, kind: string, ref: string, data: unknown): void {
    this.db
      .prepare('INSERT OR REPLACE INTO snapshots (run_id, kind, ref, data, taken_at) VALUES (?, ?, ?, ?, ?)')
      .run(runId, kind, ref, json(data), this.now());
  }

  snapshots(runId: string): { kind: string; ref: string; data: unknown; takenAt: string }[] {
    return (
      this.db
        .prepare('SELECT kind, ref, data, taken_at FROM snapshots WHERE run_id = ? ORDER BY id')
        .all(runId) as {
        kind: string;
        ref: string;
        data: string;
        taken_at: string;
      }[]
    ).map((r) => ({ kind: r.kind, ref: r.ref, data: parse(r.data), takenAt: r.taken_at }));
  }

  /** The restore's steps, laid out once (idempotent) so a resumed restore continues where it stopped. */
  ensureRestoreSteps(runId: string, steps: readonly { name: string; target: string | null }[]): void {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO restore_steps (run_id, seq, name, target, status) VALUES (?, ?, ?, ?, 'pending')`,
    );
    this.db.transaction(() => steps.forEach((s, i) => insert.run(runId, i + 1, s.name, s.target)))();
  }

  restoreSteps(runId: string): StepRow[] {
    const rows = this.db
      .prepare('SELECT * FROM restore_steps WHERE run_id = ? ORDER BY seq')
      .all(runId) as RawStep[];
    return rows.map(toStep);
  }

  restoreStepIntent(runId: string, seq: number, request: unknown): void {
    this.db
      .prepare(
        `UPDATE restore_steps SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, ?),
          request = ?, error = NULL WHERE run_id = ? AND seq = ?`,
      )
      .run(this.now(), json(request), runId, seq);
  }

  restoreStepDone(runId: string, seq: number, response: unknown, alsoInSameTransaction?: () => void): void {
    this.db.transaction(() => {
      alsoInSameTransaction?.();
      this.db
        .prepare(
          `UPDATE restore_steps SET status = 'done', finished_at = ?, response = ?, error = NULL
            WHERE run_id = ? AND seq = ?`,
        )
        .run(this.now(), json(response), runId, seq);
    })();
  }

  restoreStepFailed(runId: string, seq: number, error: { code: string; message: string }): void {
    this.db
      .prepare(`UPDATE restore_steps SET status = 'failed', error = ? WHERE run_id = ? AND seq = ?`)
      .run(json(error), runId, seq);
  }

  setRestored(runId: string, result: unknown): void {
    this.db
      .prepare(`UPDATE merge_runs SET status = 'restored', restored_at = ?, restore_result = ? WHERE id = ?`)
      .run(this.now(), json(result), runId);
  }

  /** `contactId` names the record the entry is about (stored as the subject `contact:<id>`). */
  audit(
    action: string,
    connectionId: string | null,
    runId: string | null,
    contactId: string | null,
    details: unknown,
  ): void {
    appendAudit(this.db, this.now(), {
      action,
      connectionId,
      runId,
      subject: contactId === null ? null : auditSubject('contact', contactId),
      details,
    });
  }

  auditEntries(limit = 100_000): AuditEntry[] {
    return listAudit(this.db, limit);
  }
}
