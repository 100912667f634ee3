import type { Db } from './database';

/**
 * The one writer and reader of `audit_log` (append-only: triggers refuse UPDATE and DELETE). Every feature records
 * what it did through `appendAudit`, so entries share one shape and one naming style:
 * - `action` is `<area>.<event>` in snake case, dot-separated: `merge.started`, `merge.step.crm_merged`,
 *   `detect.not_duplicate`, `wordpress.relinked`;
 * - `subject` is `<kind>:<id>`: `contact:123`, `group:7`, `wp_user:42`, `decision:3`.
 */
export interface AuditEntryInput {
  readonly action: string;
  readonly connectionId?: string | null;
  readonly runId?: string | null;
  readonly subject?: string | null;
  readonly details?: unknown;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly action: string;
  readonly connectionId: string | null;
  readonly runId: string | null;
  readonly subject: string | null;
  readonly details: unknown;
}

const ACTION = /^[a-z]+(?:_[a-z]+)*(?:\.[a-z]+(?:_[a-z]+)*)+$/;
const SUBJECT = /^[a-z]+(?:_[a-z]+)*:\S+$/;

export function auditSubject(
  kind: 'contact' | 'group' | 'wp_user' | 'decision' | 'run',
  id: string | number,
) {
  return `${kind}:${id}`;
}

export function appendAudit(db: Db, at: string, entry: AuditEntryInput): void {
  // A malformed name is a programming error: refusing it keeps the log queryable by one convention.
  if (!ACTION.test(entry.action)) throw new Error(`Audit action "${entry.action}" is not <area>.<event>.`);
  if (entry.subject != null && !SUBJECT.test(entry.subject)) {
    throw new Error(`Audit subject "${entry.subject}" is not <kind>:<id>.`);
  }
  db.prepare(
    'INSERT INTO audit_log (at, action, connection_id, run_id, subject, details) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    at,
    entry.action,
    entry.connectionId ?? null,
    entry.runId ?? null,
    entry.subject ?? null,
    JSON.stringify(entry.details ?? {}),
  );
}

export function listAudit(db: Db, limit = 100_000): AuditEntry[] {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id LIMIT ?').all(limit) as {
    id: number;
    at: string;
    action: string;
    connection_id: string | null;
    run_id: string | null;
    subject: string | null;
    details: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    connectionId: r.connection_id,
    runId: r.run_id,
    subject: r.subject,
    details: parseDetails(r.details),
  }));
}

function parseDetails(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
