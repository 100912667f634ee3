import { homedir } from 'node:os';
import { sep } from 'node:path';
import type { ConnectionSummary } from '../methods/app';
import type { HandlerSubset } from './types';
import type { CoreContext } from '../../context/context';
import { schemaVersion } from '../../store/database';
import { listConnections } from '../../store/connections-repo';
import { cacheCounts } from '../../store/contacts-reads';
import { WpUsersRepo } from '../../store/wp-users-repo';
import { countOpenGroups } from '../../detect/group-reads';

/**
 * The workspace folder as Settings shows it, with the home folder as "~": enough to find it, and the renderer has
 * no use for more (it never names a file).
 */
export function displayDir(dir: string): string {
  const home = homedir();
  return home && (dir === home || dir.startsWith(`${home}${sep}`)) ? `~${dir.slice(home.length)}` : dir;
}

/** What a connection is to the core, from its connector; a kind this build has no connector for counts as a site. */
export const roleOf = (ctx: CoreContext, kind: string): ConnectionSummary['role'] =>
  ctx.connectors.isCrm(kind) ? 'crm' : 'site';

export function listConnectionSummaries(ctx: CoreContext): ConnectionSummary[] {
  return listConnections(ctx.workspace.db).map((r) => ({
    id: r.id,
    kind: r.kind,
    role: roleOf(ctx, r.kind),
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
    const connections = listConnectionSummaries(ctx);
    const members = new WpUsersRepo(db);
    return {
      ...cacheCounts(db),
      // Every cached member belongs to a connection (rows go with it), so the sum is the whole table.
      wp_users: connections.reduce((n, c) => n + members.countMembers(c.id), 0),
      groups: countOpenGroups(db),
      connections,
    };
  },
};
