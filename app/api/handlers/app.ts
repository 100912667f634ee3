import { homedir } from 'node:os';
import { sep } from 'node:path';
import type { ConnectionSummary } from '../methods/app';
import type { HandlerSubset } from './types';
import { schemaVersion } from '../../store/database';
import type { Db } from '../../store/database';

/**
 * The workspace folder as Settings shows it, with the home folder as "~": enough to find it, and the renderer has
 * no use for more (it never names a file).
 */
export function displayDir(dir: string): string {
  const home = homedir();
  return home && (dir === home || dir.startsWith(`${home}${sep}`)) ? `~${dir.slice(home.length)}` : dir;
}

const count = (db: Db, sql: string): number => (db.prepare(sql).pluck().get() as number | undefined) ?? 0;

export function listConnectionSummaries(db: Db): ConnectionSummary[] {
  const rows = db
    .prepare(
      `SELECT id, kind, label, base_url, is_sandbox, last_sync_at, last_test_ok FROM connections ORDER BY created_at`,
    )
    .all() as {
    id: string;
    kind: ConnectionSummary['kind'];
    label: string;
    base_url: string;
    is_sandbox: number;
    last_sync_at: string | null;
    last_test_ok: number | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    label: r.label,
    baseUrl: r.base_url,
    isSandbox: r.is_sandbox === 1,
    lastSyncAt: r.last_sync_at,
    lastTestOk: r.last_test_ok === null ? null : r.last_test_ok === 1,
  }));
}

export const appHandlers: HandlerSubset<'app/info' | 'workspace/status'> = {
  'app/info': (_input, ctx) => ({
    name: 'Mergedesk',
    version: ctx.version,
    host: ctx.host,
    workspaceDir: displayDir(ctx.workspace.dir),
    schemaVersion: schemaVersion(ctx.workspace.db),
    platform: `${process.platform}-${process.arch}`,
    secretStorage: ctx.workspace.secrets.describe(),
  }),
  'workspace/status': (_input, ctx) => {
    const db = ctx.workspace.db;
    return {
      contacts: count(db, 'SELECT count(*) FROM contacts'),
      tags: count(db, 'SELECT count(*) FROM tags'),
      orders: count(db, 'SELECT count(*) FROM orders'),
      subscriptions: count(db, 'SELECT count(*) FROM subscriptions'),
      wp_users: count(db, 'SELECT count(*) FROM wp_users'),
      groups: count(db, `SELECT count(*) FROM dup_groups WHERE status = 'open'`),
      connections: listConnectionSummaries(db),
    };
  },
};
