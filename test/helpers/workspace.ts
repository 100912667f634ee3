import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace, type Workspace } from '../../app/workspace/workspace';
import type { Db } from '../../app/store/database';
import { MemorySecretStore } from '../../app/secrets/file-secret-store';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import type { Connector } from '../../app/ports/connector';

export function tempDir(prefix = 'md-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The Keap connection 'k' detection tests keep their contacts under. */
export function addKeapConnection(db: Db, createdAt = new Date().toISOString()): void {
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('k', 'keap', 'Keap', 'http://x', ?)`,
  ).run(createdAt);
}

/** A workspace in a fresh temporary folder with the Keap connection 'k'; `cleanups` closes and removes it. */
export function tempKeapWorkspace(
  prefix: string,
  cleanups: (() => void)[],
  createdAt = new Date().toISOString(),
): Workspace {
  const dir = tempDir(prefix);
  const ws = openWorkspace(dir);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => ws.close());
  addKeapConnection(ws.db, createdAt);
  return ws;
}

/** A core over a fresh temporary workspace; call `dispose()` in afterEach. */
export function tempCore(
  host: 'web' | 'cli' | 'electron' = 'cli',
  connectors: readonly Connector[] = BUILT_IN_CONNECTORS,
): Core & { dispose(): void } {
  const dir = tempDir('md-ws-');
  const core = createCore({
    workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
    host,
    connectors,
  });
  return Object.assign(core, {
    dispose() {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Starts a scan and waits until it is no longer running (polling as a host would, 50 ms apart). */
export async function scanAndWait(
  core: Core,
  mode: 'full' | 'incremental' = 'full',
  tries = 600,
): Promise<void> {
  await core.call('detect/scan/start', { mode });
  for (let i = 0; i < tries && (await core.call('detect/scan/status', {})).running; i++)
    await new Promise((r) => setTimeout(r, 50));
}
