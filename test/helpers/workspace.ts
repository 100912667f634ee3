import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { MemorySecretStore } from '../../app/secrets/file-secret-store';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import type { Connector } from '../../app/ports/connector';

export function tempDir(prefix = 'md-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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
