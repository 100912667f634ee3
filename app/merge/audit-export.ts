import { toCsv } from '../domain/csv-writer';
import type { CoreContext } from '../context/context';
import { journalFor } from './service';

export interface AuditExport {
  readonly filename: string;
  readonly mime: string;
  readonly content: string;
  readonly entries: number;
}

/** The append-only audit log as CSV (one row per entry, details as JSON) or as a JSON array. */
export function exportAudit(ctx: CoreContext, format: 'csv' | 'json'): AuditExport {
  const entries = journalFor(ctx).auditEntries();
  const stamp = new Date(ctx.clock.now()).toISOString().replace(/[:.]/g, '-');
  if (format === 'json') {
    return {
      filename: `mergedesk-audit-${stamp}.json`,
      mime: 'application/json',
      content: `${JSON.stringify(entries, null, 2)}\n`,
      entries: entries.length,
    };
  }
  const content = toCsv(
    ['id', 'at', 'action', 'connection_id', 'run_id', 'subject', 'details'],
    entries.map((e) => [
      e.id,
      e.at,
      e.action,
      e.connectionId ?? '',
      e.runId ?? '',
      e.subject ?? '',
      JSON.stringify(e.details),
    ]),
  );
  return { filename: `mergedesk-audit-${stamp}.csv`, mime: 'text/csv', content, entries: entries.length };
}
