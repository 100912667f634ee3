import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { openDatabase, type Db } from '../../app/store/database';
import { accessTagsFromKeap, ensureSandboxWorkspace } from '../../app/sandbox/embedded';
import {
  startKeapSandbox,
  type KeapSandbox,
  type KeapSandboxOptions,
  type SandboxStateData,
} from '../../app/sandbox/keap';
import { startWordPressSandbox, type WordPressSandbox } from '../../app/sandbox/wordpress';
import type { WriteHook, WriteHookResult } from '../../app/sandbox/write-hook';
import { tempDir, scanAndWait } from './workspace';
import { cacheState } from './merge-world';
import { findMergeCase, type MergeCase } from './sandbox-merge';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';

export const CONFIRM = 'access_loss,access_conflict,consent_conflict,two_active_subscriptions';
const SEED = 42;
const CONTACTS = 300;

/** A synced and scanned workspace on sandbox state folders, copied for each scenario. */
export interface Template {
  readonly dir: string;
  readonly case: MergeCase;
  dispose(): void;
}

export async function buildTemplate(): Promise<Template> {
  const dir = tempDir('md-mft-');
  const core = createCore({ workspace: openWorkspace(dir), host: 'cli', connectors: BUILT_IN_CONNECTORS });
  const emb = (await ensureSandboxWorkspace(core.context, { contacts: CONTACTS, seed: SEED }))!;
  await emb.firstSync;
  await scanAndWait(core);
  const found = findMergeCase(core.context.workspace.db, emb.sandbox.store.data);
  await emb.close();
  core.close();
  return { dir, case: found, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One scenario: a copy of the template with its own Keap and WordPress sandboxes in this process. */
export interface Scenario {
  readonly dir: string;
  readonly crm: KeapSandbox;
  readonly site: WordPressSandbox;
  /** Every write request both sandboxes received and applied, in order, as "METHOD path". */
  readonly writes: string[];
  /** Decides what happens at the n-th write (0-based), before or after it is applied. */
  onWrite:
    | ((
        n: number,
        phase: 'before' | 'after',
        signature: string,
      ) => WriteHookResult | Promise<WriteHookResult>)
    | null;
  close(): Promise<void>;
}

export interface ScenarioOptions {
  /** Keap connection tuning (connections.settings), e.g. a short timeout for timeout tests. */
  readonly crmSettings?: Record<string, unknown>;
  /** Keap sandbox options for this scenario (an injected clock, small daily limits). */
  readonly crmSandbox?: Pick<KeapSandboxOptions, 'now' | 'limits'>;
}

export async function scenario(template: Template, options: ScenarioOptions = {}): Promise<Scenario> {
  const dir = tempDir('md-mfs-');
  cpSync(template.dir, dir, { recursive: true });
  const crm = await startKeapSandbox({
    stateDir: join(dir, 'sandbox', 'keap'),
    seed: SEED,
    contacts: CONTACTS,
    ...options.crmSandbox,
  });
  const site = await startWordPressSandbox({
    stateDir: join(dir, 'sandbox', 'wordpress'),
    seed: crm.world.wordpressSeed(),
    crmAccessTags: accessTagsFromKeap(crm),
  });
  const db = openDatabase(join(dir, 'mergedesk.db'));
  db.prepare(`UPDATE connections SET base_url = ?, settings = ? WHERE kind = 'keap'`).run(
    crm.baseUrl,
    JSON.stringify(options.crmSettings ?? {}),
  );
  db.prepare(`UPDATE connections SET base_url = ? WHERE kind = 'wordpress'`).run(site.baseUrl);
  db.close();
  let n = 0;
  const writes: string[] = [];
  const s: Scenario = {
    dir,
    crm,
    site,
    writes,
    onWrite: null,
    async close() {
      await site.close();
      await crm.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const hook =
    (prefix: string): WriteHook =>
    async (signature, phase) => {
      const index = phase === 'before' ? n : n - 1;
      if (phase === 'before') n += 1;
      const verdict = s.onWrite ? await s.onWrite(index, phase, `${prefix} ${signature}`) : undefined;
      if (phase === 'before' && verdict !== undefined) n -= 1;
      else if (phase === 'before') writes.push(`${prefix} ${signature}`);
      return verdict;
    };
  crm.writeHook = hook('crm');
  site.writeHook = hook('wp');
  return s;
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI in a child process; `proc` lets a test kill it. */
export function cli(dir: string, args: readonly string[]): { proc: ChildProcess; done: Promise<CliRun> } {
  const proc = spawn(process.execPath, ['bin/mergedesk.js', '--workspace', dir, '--no-sandbox', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliRun>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { proc, done };
}

export function mergeArgs(c: MergeCase): string[] {
  return ['merge', String(c.groupId), '--survivor', c.survivorId, '--confirm', CONFIRM, '--yes', '--json'];
}

/** The end state, without clocks: the CRM's records, the site's users and orders, and the workspace cache. */
export function endState(s: Scenario, c: MergeCase): unknown {
  const data: SandboxStateData = s.crm.store.data;
  const ids = [c.survivorId, c.loserId];
  const contacts = Object.fromEntries(
    ids.map((id) => {
      const rec = data.contacts[id];
      if (!rec) return [id, null];
      const { update_time: _u, ...rest } = rec as unknown as Record<string, unknown>;
      return [id, rest];
    }),
  );
  const site = s.site.snapshot();
  const db: Db = openDatabase(join(s.dir, 'mergedesk.db'));
  try {
    return {
      contacts,
      contactCount: Object.keys(data.contacts).length,
      tags: Object.fromEntries(ids.map((id) => [id, Object.keys(data.contactTags[id] ?? {}).sort()])),
      orders: Object.values(data.orders).map((o) => [o.id, o.contact_id]),
      subscriptions: Object.values(data.subscriptions).map((o) => [o.id, o.contact_id]),
      sequences: data.sequences,
      users: site.users.map((u) => [u.id, u.contactId, u.tags.map((t) => t.id).sort()]),
      siteOrders: site.orders.map((o) => [o.id, o.contactId]),
      cache: cacheState(db),
      runs: db
        .prepare(`SELECT status FROM merge_runs WHERE status <> 'dry_run' ORDER BY created_at`)
        .pluck()
        .all(),
    };
  } finally {
    db.close();
  }
}

/**
 * Side-effecting requests by "sandbox METHOD path", counted. An AccessAlly resync only re-reads the CRM into the
 * site (the executor repeats it on purpose after a crash: it cannot tell whether it landed, and a second one changes
 * nothing), so it is not a side effect that must happen once; the end state still has to match.
 */
/** The reference every fault run is compared with: the same merge, uninterrupted, on a fresh copy of the template. */
export async function cleanRun(
  template: Template,
  options: ScenarioOptions = {},
): Promise<{ state: unknown; writes: string[] }> {
  const s = await scenario(template, options);
  try {
    const run = await cli(s.dir, mergeArgs(template.case)).done;
    if (run.code !== 0) throw new Error(`clean merge failed (${run.code}): ${run.stderr}`);
    return { state: endState(s, template.case), writes: [...s.writes] };
  } finally {
    await s.close();
  }
}

export const tally = (writes: readonly string[]) =>
  writes
    .filter((w) => !w.endsWith('/resync'))
    .reduce<Record<string, number>>((acc, w) => ((acc[w] = (acc[w] ?? 0) + 1), acc), {});
