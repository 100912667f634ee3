import { rmSync } from 'node:fs';
import { createCore, type Core } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { MemorySecretStore } from '../../app/secrets/file-secret-store';
import { ensureSandboxWorkspace, type EmbeddedSandbox } from '../../app/sandbox/embedded';
import { tempDir, scanAndWait } from './workspace';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';

export interface SandboxWorkspace {
  readonly dir: string;
  readonly core: Core;
  readonly emb: EmbeddedSandbox;
  close(): Promise<void>;
}

/** A workspace on the embedded Keap and WordPress sandboxes (real HTTP on loopback), synced and scanned. */
export async function sandboxWorkspace(contacts = 400): Promise<SandboxWorkspace> {
  const dir = tempDir('md-msb-');
  const core = createCore({
    workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
    host: 'web',
    connectors: BUILT_IN_CONNECTORS,
  });
  const emb = (await ensureSandboxWorkspace(core.context, { contacts }))!;
  await emb.firstSync;
  await scanAndWait(core);
  return {
    dir,
    core,
    emb,
    async close() {
      await emb.close();
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Requests that change something in the CRM sandbox, as "METHOD path". */
export function crmWrites(emb: EmbeddedSandbox): string[] {
  return emb.sandbox.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
}

/** Requests that change something on the WordPress sandbox. */
export function siteWrites(emb: EmbeddedSandbox): string[] {
  return emb.wordpress.requests.filter((r) => !r.startsWith('GET '));
}
