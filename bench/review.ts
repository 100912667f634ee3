/**
 * Opening a group's side-by-side review on a large cache (DESIGN §7: ≤ 100 ms p95 with 1M contacts cached).
 * Builds a workspace with N contacts (emails, phones, tags, some orders and WordPress users), makes duplicate
 * groups, then times `merge/review` through the core for random groups. Size: BENCH_REVIEW_CONTACTS (default 1M).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../app/api/core';
import { openWorkspace } from '../app/workspace/workspace';
import { MemorySecretStore } from '../app/secrets/file-secret-store';
import { ContactsRepo } from '../app/store/contacts-repo';
import type { CrmContact } from '../app/ports/crm';
import { BUILT_IN_CONNECTORS } from '../app/connectors/built-in';

const N = Number(process.env.BENCH_REVIEW_CONTACTS ?? 1_000_000);
const GROUPS = 2_000;
const SAMPLES = 1_000;
const GIVEN = ['Ann', 'Bill', 'Carla', 'Dev', 'Eve', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon'];
const FAMILY = [
  'Lee',
  'Smith',
  'Garcia',
  'Okafor',
  'Nguyen',
  'Müller',
  'Rossi',
  'Kowalski',
  'Silva',
  'Tanaka',
];

let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;

function contact(i: number): CrmContact {
  const given = pick(GIVEN);
  const family = pick(FAMILY);
  return {
    id: String(100_000 + i),
    givenName: given,
    familyName: family,
    company: rand() < 0.3 ? `${family} Studio` : null,
    emails: [
      { slot: 'EMAIL1', email: `${given}.${family}.${i}@example.com`.toLowerCase(), optIn: rand() < 0.8 },
    ],
    phones: rand() < 0.5 ? [{ slot: 'PHONE1', number: `555${String(i).padStart(7, '0')}` }] : [],
    addresses: [],
    tagIds: [String(1 + Math.floor(rand() * 50)), String(51 + Math.floor(rand() * 50))],
    createdAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
    updatedAt: new Date(Date.UTC(2024, 0, 1) + i * 30_000).toISOString(),
    raw: { id: i },
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'md-bench-review-'));
  const core = createCore({
    workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
    host: 'cli',
    connectors: BUILT_IN_CONNECTORS,
  });
  const db = core.context.workspace.db;
  try {
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('k', 'keap', 'Keap', 'http://k', ?)`,
    ).run(now);
    db.prepare(
      `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('w', 'wordpress', 'WP', 'http://w', ?)`,
    ).run(now);
    const repo = new ContactsRepo(db, 'k');
    repo.saveTags(
      Array.from({ length: 100 }, (_, i) => ({
        id: String(i + 1),
        name: i < 10 ? `Course ${i} Access` : `Tag ${i + 1}`,
        category: i < 10 ? 'Access' : 'General',
      })),
    );
    const t0 = performance.now();
    const batch = 10_000;
    for (let start = 0; start < N; start += batch) {
      repo.saveContacts(
        Array.from({ length: Math.min(batch, N - start) }, (_, k) => contact(start + k)),
        now,
      );
    }
    const loadMs = performance.now() - t0;
    const orders = db.prepare(
      `INSERT INTO orders (connection_id, crm_id, contact_crm_id, title, status, total, raw, synced_at) VALUES ('k', ?, ?, 'Course', 'PAID', 99, '{}', ?)`,
    );
    const users = db.prepare(
      `INSERT INTO wp_users (connection_id, wp_id, login, linked_contact_id, progress, raw, synced_at) VALUES ('w', ?, ?, ?, '{"lessons":3}', '{}', ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < N; i += 7) orders.run(`o${i}`, String(100_000 + i), now);
      for (let i = 0; i < N; i += 11) users.run(i + 1, `user${i}`, String(100_000 + i), now);
    })();
    const group = db
      .prepare(
        `INSERT INTO dup_groups (connection_id, group_key, lane, score, reason, size, created_at, updated_at) VALUES ('k', ?, 'needs_choice', 0.9, 'bench', ?, ?, ?) RETURNING id`,
      )
      .pluck();
    const member = db.prepare(
      `INSERT OR IGNORE INTO dup_group_members (group_id, contact_pk, crm_id) SELECT ?, pk, crm_id FROM contacts WHERE connection_id = 'k' AND crm_id = ?`,
    );
    const groupIds: number[] = [];
    db.transaction(() => {
      for (let g = 0; g < GROUPS; g++) {
        const size = 2 + (g % 3 === 0 ? 1 : 0);
        const id = group.get(`g${g}`, size, now, now) as number;
        // Distinct members: a contact appears once in a group.
        const picked = new Set<number>();
        while (picked.size < size) picked.add(Math.floor(rand() * N));
        for (const m of picked) member.run(id, String(100_000 + m));
        groupIds.push(id);
      }
    })();
    db.pragma('optimize');

    for (let i = 0; i < 50; i++) await core.call('merge/review', { groupId: pick(groupIds) });
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const id = pick(groupIds);
      const s = performance.now();
      await core.call('merge/review', { groupId: id });
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    console.log(
      `review open on a ${N.toLocaleString('en')}-contact cache (${SAMPLES} samples, ${GROUPS} groups)`,
    );
    console.log(
      `  cache build: ${(loadMs / 1000).toFixed(1)} s (${Math.round(N / (loadMs / 1000)).toLocaleString('en')} contacts/s)`,
    );
    console.log(
      `  p50 ${q(0.5).toFixed(2)} ms · p95 ${q(0.95).toFixed(2)} ms · p99 ${q(0.99).toFixed(2)} ms · max ${times[times.length - 1]!.toFixed(2)} ms  (budget p95 ≤ 100 ms)`,
    );
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
