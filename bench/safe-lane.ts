/**
 * The share of the safe lane a batch actually merges, on the embedded Keap + WordPress sandbox as a new user has
 * it: seeded world, first sync, full scan, then the batch `mergedesk merge --lane safe --yes` runs over the Safe
 * tab. Prints the lanes, the gate's work, the batch's counts per outcome and every skip in words.
 * Size: BENCH_SAFE_CONTACTS (default 1,500); seed: BENCH_SAFE_SEED (default 42).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../app/api/core';
import { BUILT_IN_CONNECTORS } from '../app/connectors/built-in';
import { openWorkspace } from '../app/workspace/workspace';
import { MemorySecretStore } from '../app/secrets/file-secret-store';
import { ensureSandboxWorkspace } from '../app/sandbox/embedded';
import { batchSummary, startBatch, waitForBatch } from '../app/merge/batch';
import { allowInProcessDetection } from '../app/detect/threads';

const contacts = Number(process.env.BENCH_SAFE_CONTACTS ?? 1500);
const seed = Number(process.env.BENCH_SAFE_SEED ?? 42);

async function main() {
  // Run from the sources (no bundled worker): the scan runs on this thread, which is all a figure of merges needs.
  allowInProcessDetection();
  const dir = mkdtempSync(join(tmpdir(), 'md-bench-safe-'));
  const core = createCore({
    workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
    host: 'web',
    connectors: BUILT_IN_CONNECTORS,
  });
  try {
    const emb = (await ensureSandboxWorkspace(core, { contacts, seed }))!;
    try {
      await emb.firstSync;
      await core.call('detect/scan/start', { mode: 'full' });
      while ((await core.call('detect/scan/status', {})).running) await new Promise((r) => setTimeout(r, 50));
      const db = core.context.workspace.db;
      const lanes = db
        .prepare(
          `SELECT lane, count(*) AS n FROM dup_groups WHERE status = 'open' GROUP BY lane ORDER BY lane`,
        )
        .all() as { lane: string; n: number }[];
      const gated = db
        .prepare(
          `SELECT count(*) FROM dup_groups WHERE status = 'open' AND json_extract(evidence, '$.gate') IS NOT NULL`,
        )
        .pluck()
        .get() as number;
      console.log(`sandbox: ${contacts} contacts, seed ${seed}`);
      console.log(`lanes: ${lanes.map((l) => `${l.lane} ${l.n}`).join(', ')}`);
      console.log(`moved out of safe by the gate (a merge guard or no shared email): ${gated}`);
      const t0 = Date.now();
      startBatch(core.context, {});
      const state = await waitForBatch(core.context);
      const share = state.total === 0 ? 1 : state.merged / state.total;
      console.log(batchSummary(state).join('\n'));
      console.log(
        `share of the safe lane merged: ${state.merged}/${state.total} = ${(share * 100).toFixed(1)} % in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    } finally {
      await emb.close();
    }
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
