import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test, startHost, stopHost, type AppHost } from './fixtures';

/** Waits until the embedded sandbox has synced the CRM and the site and the first scan has finished. */
export async function waitForSandbox(workspace: string): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 240; i++) {
    try {
      const db = new Database(join(workspace, 'mergedesk.db'), { readonly: true, fileMustExist: true });
      try {
        const ready = db
          .prepare(
            `SELECT (SELECT count(*) FROM connections WHERE last_sync_at IS NOT NULL) AS synced,
                    (SELECT count(*) FROM detect_runs WHERE status = 'completed') AS scans`,
          )
          .get() as { synced: number; scans: number };
        if (ready.synced === 2 && ready.scans > 0) return;
        last = ready;
      } finally {
        db.close();
      }
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the sandbox never became ready: ${String(last)}`);
}

/**
 * One web host on the embedded sandbox for every test of a spec file (they run in order and build on each other's
 * state), so the file pays for one start, sync and scan.
 */
export function sharedSandboxHost(): () => AppHost {
  let host: AppHost | undefined;
  test.describe.configure({ mode: 'serial' });
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  test.beforeAll(async ({}, info) => {
    info.setTimeout(120_000);
    host = await startHost();
    await waitForSandbox(host.workspace);
  });
  test.afterAll(async () => {
    if (host) await stopHost(host);
  });
  return () => {
    if (!host) throw new Error('the sandbox host did not start');
    return host;
  };
}

/** Reads the cache as the core left it (read-only), for facts a test needs to pick its cases. */
export function readCache<T>(workspace: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(workspace, 'mergedesk.db'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
