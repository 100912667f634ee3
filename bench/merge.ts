/**
 * What a merge costs in CRM requests, and how much of the allowed request rate a batch sustains.
 *
 * 1. Requests per merge by group size (2, 3, 4 records) and strategy, counted by the Keap sandbox itself (every
 *    request it answered, 429s included) over real HTTP; the WordPress sandbox's requests are shown beside them
 *    (they do not count against Keap's quota). The manual strategy is the same connection with the CRM merge
 *    turned off (copy tags, delete the duplicate). Size-4 groups are made by adding a copy of a record of a
 *    3-record group through the API and syncing.
 * 2. A batch of ≥ 100 safe-lane groups against the sandbox limited to Keap's 240 requests a minute, the client
 *    with the same budget: the share of the allowed rate it sustained, 429s answered and any left unhandled. The
 *    time window is scaled down to a per-second budget (240/min = 4/s, both ends), so the figure is measured over
 *    hundreds of windows in a couple of minutes; set BENCH_MERGE_WINDOW=minute for the minute window itself.
 *
 * Size: BENCH_MERGE_CONTACTS (default 5000), BENCH_MERGE_GROUPS (at most this many safe-lane groups, default 200).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore, type Core } from '../app/api/core';
import { openWorkspace } from '../app/workspace/workspace';
import { MemorySecretStore } from '../app/secrets/file-secret-store';
import { ensureSandboxWorkspace, type EmbeddedSandbox } from '../app/sandbox/embedded';
import { STATE_FILE } from '../app/sandbox/keap/store';
import { forgetClients } from '../app/merge/clients';
import { BUILT_IN_CONNECTORS } from '../app/connectors/built-in';
import { keapConnector } from '../app/connectors/keap/connector';
import type { Connector } from '../app/ports/connector';
import { allowInProcessDetection } from '../app/detect/threads';
import { startBatch, waitForBatch } from '../app/merge/batch';
import type { MergePlan } from '../app/merge/types';

// Detection only prepares the groups here; it is not what this bench measures.
allowInProcessDetection();

const CONTACTS = Number(process.env.BENCH_MERGE_CONTACTS ?? 5000);
const GROUPS = Number(process.env.BENCH_MERGE_GROUPS ?? 200);
const WINDOW = process.env.BENCH_MERGE_WINDOW === 'minute' ? 'minute' : 'second';
/** BENCH_MERGE_SANDBOX_SAVES=1: the sandbox CRM saves its whole state after every write during the batch too. */
const SANDBOX_SAVES = process.env.BENCH_MERGE_SANDBOX_SAVES === '1';
/** BENCH_MERGE_CONCURRENCY=N: N merges in flight throughout instead of the pacer's choice (for comparison). */
const CONCURRENCY = process.env.BENCH_MERGE_CONCURRENCY
  ? Number(process.env.BENCH_MERGE_CONCURRENCY)
  : undefined;
const PER_MINUTE = 240;
const CONFIRM = [
  'access_loss',
  'access_conflict',
  'consent_conflict',
  'two_active_subscriptions',
  'two_wp_users_with_progress',
] as const;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function syncAndScan(core: Core, connectionId: string): Promise<void> {
  await core.call('sync/start', { connectionId, mode: 'incremental' });
  await until(
    async () => (await core.call('sync/status', { connectionId })).every((s) => !s.running),
    'the sync',
  );
  await core.call('detect/scan/start', { mode: 'full' });
  await until(async () => !(await core.call('detect/scan/status', {})).running, 'the scan');
}

interface Cost {
  readonly crm: number;
  readonly wp: number;
  readonly tags: number;
  readonly fields: boolean;
}

/** Merges one group and returns what the sandboxes were asked, or null when its plan cannot run. */
async function mergeCounted(core: Core, emb: EmbeddedSandbox, groupId: number): Promise<Cost | null> {
  let plan: MergePlan;
  try {
    plan = (await core.call('merge/plan', { groupId, choices: {} })).plan;
  } catch {
    return null;
  }
  if (plan.guards.some((g) => g.severity === 'block')) return null;
  const crm0 = emb.sandbox.stats.requests;
  const wp0 = emb.wordpress.requests.length;
  const out = await core.call('merge/execute', { groupId, choices: {}, confirm: [...CONFIRM] });
  if (out.run.status !== 'completed') return null;
  return {
    crm: emb.sandbox.stats.requests - crm0,
    wp: emb.wordpress.requests.length - wp0,
    tags: plan.tagsToApply.length + (plan.tagsToRemove?.length ?? 0),
    fields: Object.keys(plan.patch).length > 0,
  };
}

function openGroups(core: Core, size: number): number[] {
  return core.context.workspace.db
    .prepare(`SELECT id FROM dup_groups WHERE status = 'open' AND size = ? ORDER BY id`)
    .pluck()
    .all(size) as number[];
}

/** Adds a copy of the first record of some 3-record groups through the API, so that they become 4 records. */
async function growGroups(core: Core, emb: EmbeddedSandbox, count: number): Promise<void> {
  const db = core.context.workspace.db;
  const threes = openGroups(core, 3).slice(-count);
  for (const groupId of threes) {
    const ids = JSON.parse(
      db.prepare('SELECT crm_ids FROM dup_groups WHERE id = ?').pluck().get(groupId) as string,
    ) as string[];
    const rec = emb.sandbox.store.data.contacts[ids[0]!] as unknown as Record<string, unknown>;
    const res = await fetch(`${emb.sandbox.baseUrl}/rest/v2/contacts`, {
      method: 'POST',
      headers: { 'X-Keap-API-Key': emb.sandbox.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        given_name: rec.given_name,
        family_name: rec.family_name,
        email_addresses: rec.email_addresses,
        phone_numbers: rec.phone_numbers,
      }),
    });
    if (!res.ok) throw new Error(`could not add a copy of #${ids[0]}: HTTP ${res.status}`);
  }
  await syncAndScan(core, emb.connectionId);
}

function costLine(strategy: string, size: number, costs: readonly Cost[]): string {
  if (costs.length === 0)
    return `  ${strategy.padEnd(7)} ${size}   (no mergeable ${size}-record group found)`;
  const crm = costs.map((c) => c.crm);
  const per = costs
    .map((c) => `${c.crm} (${c.tags} tag${c.tags === 1 ? '' : 's'}${c.fields ? ', fields' : ''})`)
    .join(', ');
  const mean = crm.reduce((a, b) => a + b, 0) / crm.length;
  const wp = costs.map((c) => c.wp).reduce((a, b) => a + b, 0) / costs.length;
  return `  ${strategy.padEnd(7)} ${size}   ${mean.toFixed(1).padStart(5)}   ${String(Math.min(...crm)).padStart(3)}–${String(Math.max(...crm)).padEnd(3)}  ${wp.toFixed(1).padStart(5)}   ${per}`;
}

/** The same Keap connection with the CRM merge turned off: the manual strategy (copy tags, delete the duplicate). */
const MANUAL_KEAP: readonly Connector[] = BUILT_IN_CONNECTORS.map((c) =>
  c === keapConnector
    ? { ...keapConnector, capabilities: { ...keapConnector.capabilities, nativeMerge: false } }
    : c,
);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'md-bench-merge-'));
  const secrets = new MemorySecretStore();
  let core = createCore({
    workspace: openWorkspace(dir, { secrets }),
    host: 'cli',
    connectors: BUILT_IN_CONNECTORS,
  });
  let emb = (await ensureSandboxWorkspace(core.context, { contacts: CONTACTS, seed: 42 }))!;
  const t0 = performance.now();
  try {
    await emb.firstSync;
    await core.call('detect/scan/start', { mode: 'full' });
    await until(async () => !(await core.call('detect/scan/status', {})).running, 'the scan');
    await growGroups(core, emb, 4);
    console.log(
      `Workspace: ${CONTACTS} sandbox contacts synced and scanned in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const db = core.context.workspace.db;
    const byLane = db
      .prepare(`SELECT size, count(*) n FROM dup_groups WHERE status = 'open' GROUP BY size ORDER BY size`)
      .all() as { size: number; n: number }[];
    console.log(`Open groups by size: ${byLane.map((r) => `${r.size}: ${r.n}`).join(', ')}`);

    // Keep the safe lane for the batch; the per-merge counts use other groups where they can.
    const safe = new Set(
      db.prepare(`SELECT id FROM dup_groups WHERE lane = 'safe'`).pluck().all() as number[],
    );
    const counted = async (size: number, want: number): Promise<Cost[]> => {
      const costs: Cost[] = [];
      const ids = openGroups(core, size).sort((a, b) => Number(safe.has(a)) - Number(safe.has(b)));
      for (const groupId of ids) {
        if (costs.length >= want) break;
        const c = await mergeCounted(core, emb, groupId);
        if (c) costs.push(c);
      }
      return costs;
    };

    const lines: string[] = [];
    for (const size of [2, 3, 4]) lines.push(costLine('native', size, await counted(size, 3)));

    // The batch: the safe lane, paced by the limiter and Keap's headers at 240 a minute.
    const perSecond = WINDOW === 'second' ? PER_MINUTE / 60 : 10;
    emb.sandbox.limiter.limits = { ...emb.sandbox.limiter.limits, perSecond, perMinute: PER_MINUTE };
    db.prepare('UPDATE connections SET settings = ? WHERE id = ?').run(
      JSON.stringify({ rateLimits: { perSecond, perMinute: PER_MINUTE } }),
      emb.connectionId,
    );
    forgetClients(core.context);
    const candidates = (
      db
        .prepare(`SELECT id FROM dup_groups WHERE status = 'open' AND lane = 'safe' ORDER BY score DESC, id`)
        .pluck()
        .all() as number[]
    ).slice(0, GROUPS);
    const quotaPlan = await core.call('merge/batch-plan', { groupIds: candidates });
    // Start on a fresh minute window: the requests above must not eat into the batch's first minute.
    await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 20));
    // The sandbox CRM answers from this process. After every write it saves its whole state as JSON (~5 MB for
    // 5,000 contacts, ~50 ms of CPU), which blocks the thread the batch and its limiter run on: a real CRM's
    // storage costs the client nothing. So during the batch it keeps its state in memory and saves it once after.
    const store = emb.sandbox.store;
    const saveState = store.save.bind(store);
    const stateFile = join(dir, 'sandbox', 'keap', STATE_FILE);
    const stateMb = statSync(stateFile).size / 1e6;
    if (!SANDBOX_SAVES) store.save = () => undefined;
    const stats = emb.sandbox.stats;
    const before = { requests: stats.requests, limited: stats.rateLimited };
    // The ETA the batch showed when a quarter, half and three quarters of the groups were done, against the end.
    const etas = new Map<number, number>();
    const stopWatching = core.context.events.subscribe((e) => {
      if (e.name !== 'merge/batch' || e.payload.etaSeconds === null || e.payload.total === 0) return;
      const quarter = Math.floor((e.payload.done / e.payload.total) * 4);
      if (quarter >= 1 && quarter <= 3 && !etas.has(quarter))
        etas.set(quarter, performance.now() + e.payload.etaSeconds * 1000);
    });
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    if (CONCURRENCY === undefined) await core.call('merge/batch-start', { groupIds: candidates });
    else startBatch(core.context, { groupIds: candidates, concurrency: CONCURRENCY });
    const end = await waitForBatch(core.context);
    const endedAt = performance.now();
    const cpu = process.cpuUsage(cpu0);
    stopWatching();
    store.save = saveState;
    saveState();
    const seconds = (endedAt - start) / 1000;
    const requests = stats.requests - before.requests;
    const limited = stats.rateLimited - before.limited;
    // A refused request is not counted by the CRM's windows: the share is of the requests it accepted.
    const accepted = requests - limited;
    const allowed = (PER_MINUTE / 60) * seconds;
    const unhandled = end.failed.filter((f) => f.code === 'RATE_LIMITED').length;

    // The manual strategy: a core over the same workspace whose Keap connector has no CRM merge.
    db.prepare('UPDATE connections SET settings = ? WHERE id = ?').run('{}', emb.connectionId);
    await emb.close();
    core.close();
    core = createCore({ workspace: openWorkspace(dir, { secrets }), host: 'cli', connectors: MANUAL_KEAP });
    emb = (await ensureSandboxWorkspace(core.context, { contacts: CONTACTS, seed: 42 }))!;
    await emb.firstSync;
    for (const size of [2, 3, 4]) lines.push(costLine('manual', size, await counted(size, 3)));

    console.log('\nKeap requests per merge (counted by the sandbox), by strategy and group size:');
    console.log('  strategy size  mean  min–max  WordPress  each merge (tags written, fields)');
    for (const l of lines) console.log(l);
    console.log(
      `\nBatch: ${end.merged} of ${candidates.length} safe-lane groups merged (${end.skipped.length} skipped by a guard or a change, ${end.failed.length} failed)`,
    );
    console.log(`  planner before start: ${quotaPlan.message}`);
    console.log(
      `  rate limit: ${PER_MINUTE}/min on the sandbox and the client${WINDOW === 'second' ? `, as a per-second budget of ${perSecond}/s (time window scaled down)` : ', minute window'}`,
    );
    console.log(
      `  merges in flight: ${CONCURRENCY === undefined ? 'as the pacer chose (4 to 8)' : `${CONCURRENCY}, fixed (BENCH_MERGE_CONCURRENCY)`}`,
    );
    console.log(
      `  sandbox CRM state (${stateMb.toFixed(1)} MB of JSON) ${SANDBOX_SAVES ? 'saved after every write, in this process' : 'kept in memory during the batch, saved once after it (BENCH_MERGE_SANDBOX_SAVES=1 saves after every write)'}`,
    );
    console.log(
      `  ${requests} Keap requests in ${seconds.toFixed(1)} s = ${(requests / seconds).toFixed(2)}/s of ${(PER_MINUTE / 60).toFixed(2)}/s allowed`,
    );
    console.log(
      `  sustained share of the allowed rate: ${((accepted / allowed) * 100).toFixed(1)} % (${accepted} requests the CRM accepted; ${((requests / allowed) * 100).toFixed(1)} % counting the refused ones)`,
    );
    console.log(
      `  CPU time of the whole process during the batch: ${((cpu.user + cpu.system) / 1000 / seconds / 10).toFixed(1)} % of one core (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in ${seconds.toFixed(1)} s)`,
    );
    const etaLine = [1, 2, 3]
      .filter((q) => etas.has(q))
      .map((q) => {
        const predicted = etas.get(q)! - start;
        const actual = endedAt - start;
        return `at ${q * 25} % done ${((predicted - actual) / 1000).toFixed(1)} s (${(((predicted - actual) / actual) * 100).toFixed(1)} % of the run)`;
      });
    console.log(`  ETA error (predicted end − actual end): ${etaLine.join('; ') || 'no ETA shown'}`);
    console.log(
      `  429 answers: ${limited} (retried by the client), unhandled: ${unhandled}; requests per merged group: ${(requests / Math.max(1, end.merged)).toFixed(2)}`,
    );
    console.log(
      `  at this cost a key's 30,000 a day is ~${Math.floor(30_000 / (requests / Math.max(1, end.merged))).toLocaleString('en-US')} merges; OAuth's 150,000 ~${Math.floor(150_000 / (requests / Math.max(1, end.merged))).toLocaleString('en-US')}`,
    );
  } finally {
    await emb.close();
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
