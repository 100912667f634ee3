/**
 * Sync benchmarks (figures are printed, never asserted):
 *  1. cache write rate: CrmContacts → SQLite through ContactsRepo in 1,000-contact transactions (budget ≥ 100k/s);
 *  2. sync from a rate-limited Keap sandbox of 30k contacts: achieved request rate against the allowed one
 *     (budget ≥ 90 %) and the number of 429s that reached the caller (budget 0).
 * The sync runs with scaled limits (40 requests/s, 2,400/min, i.e. 4x a Personal Access Token's 10/s) and
 * 100-contact pages, so ~470 requests finish in seconds while the limiter, not the server, sets the pace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../app/api/core';
import { openWorkspace } from '../app/workspace/workspace';
import { MemorySecretStore } from '../app/secrets/file-secret-store';
import { generateWorld, startKeapSandbox } from '../app/sandbox/keap';
import { toCrmContact } from '../app/connectors/keap/mapping';
import { ContactsRepo } from '../app/store/contacts-repo';
import { runSync } from '../app/sync/engine';
import { ApiKeyAuth, KeapClient } from '../app/connectors/keap';
import { systemClock } from '../app/ports/clock';

const WRITE_CONTACTS = Number(process.env.BENCH_WRITE_CONTACTS ?? 100_000);
const SYNC_CONTACTS = Number(process.env.BENCH_SYNC_CONTACTS ?? 30_000);
const RATE = Number(process.env.BENCH_RATE ?? 40);

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'md-bench-'));
  const core = createCore({ workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }), host: 'cli' });
  core.context.workspace.db
    .prepare(`INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('c1', 'keap', 'Bench', 'http://x', ?)`)
    .run(new Date().toISOString());
  return {
    core,
    dispose() {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function cacheWrite() {
  const world = generateWorld({ seed: 1, contacts: WRITE_CONTACTS });
  const contacts = Object.values(world.contacts).map((c) =>
    toCrmContact({ ...c, tag_ids: Object.keys(world.contactTags[c.id] ?? {}) }),
  );
  const ws = workspace();
  const repo = new ContactsRepo(ws.core.context.workspace.db, 'c1');
  repo.saveTags(Object.values(world.tags).map((t) => ({ id: t.id, name: t.name, category: t.category?.id ?? null })));
  const syncedAt = new Date().toISOString();
  const run = () => {
    const t0 = performance.now();
    for (let i = 0; i < contacts.length; i += 1000) repo.saveContacts(contacts.slice(i, i + 1000), syncedAt);
    return performance.now() - t0;
  };
  const insertMs = run();
  const updateMs = run();
  ws.dispose();
  const rate = (ms: number) => Math.round(contacts.length / (ms / 1000));
  console.log(
    `cache write: ${contacts.length.toLocaleString('en-US')} contacts — first insert ${rate(insertMs).toLocaleString('en-US')}/s ` +
      `(${insertMs.toFixed(0)} ms), re-sync upsert ${rate(updateMs).toLocaleString('en-US')}/s (${updateMs.toFixed(0)} ms); budget ≥ 100,000/s`,
  );
}

async function rateLimitedSync() {
  const sb = await startKeapSandbox({
    contacts: SYNC_CONTACTS,
    seed: 2,
    limits: { perSecond: RATE, perMinute: RATE * 60, perDay: 10_000_000 },
  });
  const ws = workspace();
  let requests = 0;
  let waits = 0;
  const client = new KeapClient({
    baseUrl: sb.baseUrl,
    auth: new ApiKeyAuth(sb.apiKey),
    limits: { perSecond: RATE, perMinute: RATE * 60, maxConcurrent: 2 },
    onRequest: () => requests++,
    onWait: () => waits++,
  });
  const t0 = performance.now();
  let unhandled429 = 0;
  try {
    await runSync(ws.core.context.workspace.db, 'c1', client, { mode: 'full', clock: systemClock, pageSize: 100 });
  } catch (error) {
    if ((error as { code?: string }).code === 'RATE_LIMITED') unhandled429++;
    throw error;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cached = ws.core.context.workspace.db.prepare('SELECT count(*) FROM contacts').pluck().get() as number;
  const achieved = requests / seconds;
  console.log(
    `rate-limited sync: ${cached.toLocaleString('en-US')} contacts, ${requests} requests in ${seconds.toFixed(1)} s = ` +
      `${achieved.toFixed(1)} req/s of ${RATE} allowed (${((achieved / RATE) * 100).toFixed(1)} %); ` +
      `429s answered by the sandbox: ${sb.stats.rateLimited} (all retried), unhandled: ${unhandled429}; waits: ${waits}; budget ≥ 90 %, 0 unhandled`,
  );
  ws.dispose();
  await sb.close();
}

await cacheWrite();
await rateLimitedSync();
