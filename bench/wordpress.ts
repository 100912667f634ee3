// WordPress figures: member sync throughput from the sandbox site over loopback HTTP, and the cache queries the UI
// runs (orphans, members for a contact, contacts without a user) at 100k members. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../app/store/database';
import { EventBus } from '../app/context/event-bus';
import { systemClock } from '../app/ports/clock';
import { startWordPressSandbox } from '../app/sandbox/wordpress';
import type { WordPressSeed } from '../app/sandbox/types';
import { WordPressConnector } from '../app/connectors/wordpress/client';
import { syncWordPress } from '../app/sync/wordpress-sync';
import { WpUsersRepo } from '../app/store/wp-users-repo';
import { ContactsRepo } from '../app/store/contacts-repo';
import type { WpMember } from '../app/ports/wordpress';

const dir = mkdtempSync(join(tmpdir(), 'md-bench-wp-'));
const ms = (t0: number) => `${(performance.now() - t0).toFixed(1)} ms`;

function seedOf(n: number): WordPressSeed {
  return {
    members: Array.from({ length: n }, (_, i) => ({
      login: `member${i}`,
      email: `member${i}@bench.test`,
      displayName: `Member ${i}`,
      linkedContactId: i % 10 === 0 ? null : String(100000 + i),
      registeredAt: '2024-01-01T00:00:00Z',
      lastLoginAt: null,
      progress: { lessonsCompleted: i % 30 },
      accessTags: [{ id: '101', name: 'Course A Access' }],
    })),
    orders: Array.from({ length: n / 5 }, (_, i) => ({
      id: String(i),
      kind: 'order' as const,
      contactId: String(100000 + i * 5),
      title: 'Course',
      status: 'paid',
    })),
  };
}

try {
  // 1. Sync over HTTP (the connector's polite default: 10 requests/s, 100 members per page).
  const n = 5000;
  const sandbox = await startWordPressSandbox({ stateDir: join(dir, 'site'), seed: seedOf(n) });
  const db = openDatabase(join(dir, 'sync.db'));
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('wp', 'wordpress', 'b', ?, '2026')`,
  ).run(sandbox.baseUrl);
  const client = new WordPressConnector({
    url: sandbox.baseUrl,
    username: sandbox.username,
    appPassword: sandbox.appPassword,
  });
  let t0 = performance.now();
  const res = await syncWordPress({
    db,
    client,
    connectionId: 'wp',
    events: new EventBus(),
    clock: systemClock,
    mode: 'full',
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `sync ${res.members.fetched} members + ${res.orders.fetched} orders from the sandbox: ${seconds.toFixed(2)} s ` +
      `(${Math.round(res.members.fetched / seconds)} members/s, ${Math.ceil(n / 100) + 2} requests at ≤10/s)`,
  );
  await sandbox.close();
  db.close();

  // 2. Cache queries at 100k members against 100k CRM contacts.
  const big = openDatabase(join(dir, 'cache.db'));
  big
    .prepare(
      `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('keap', 'keap', 'k', 'x', '2026')`,
    )
    .run();
  big
    .prepare(
      `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES ('wp', 'wordpress', 'w', 'y', '2027')`,
    )
    .run();
  const N = 100_000;
  const contacts = new ContactsRepo(big, 'keap');
  t0 = performance.now();
  for (let start = 0; start < N; start += 10_000) {
    const batch = Array.from({ length: 10_000 }, (_, j) => {
      const id = String(start + j);
      return {
        id,
        givenName: `G${id}`,
        familyName: 'F',
        emails: [],
        phones: [],
        addresses: [],
        tagIds: [],
        raw: {},
      };
    });
    big.transaction(() => contacts.saveContacts(batch, '2026'))();
  }
  console.log(`seed ${N} contacts: ${ms(t0)}`);
  const repo = new WpUsersRepo(big);
  const members: WpMember[] = Array.from({ length: N }, (_, i) => ({
    wpId: i + 1,
    login: `m${i}`,
    email: `m${i}@x.test`,
    displayName: null,
    registeredAt: null,
    lastLoginAt: null,
    // 1% orphans (ids beyond the CRM's), 5% unlinked.
    linkedContactId: i % 20 === 0 ? null : i % 100 === 1 ? String(N + i) : String(i),
    accessTags: [{ id: '1', name: 'A' }],
    progress: {},
    raw: {},
  }));
  t0 = performance.now();
  big.transaction(() => repo.upsertMembers('wp', members, '2026'))();
  const writeMs = performance.now() - t0;
  console.log(`write ${N} members: ${writeMs.toFixed(0)} ms (${Math.round(N / (writeMs / 1000))}/s)`);
  const q = (label: string, fn: () => unknown) => {
    fn();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      fn();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`${label}: median ${times[10]!.toFixed(2)} ms, p95 ${times[18]!.toFixed(2)} ms`);
  };
  const list = (filter: 'orphans' | 'unlinked' | 'all') => () =>
    repo.listMembers({ connectionId: 'wp', crmConnectionId: 'keap', filter, limit: 50, offset: 0 });
  q('orphans page (with total)', list('orphans'));
  q('unlinked page (with total)', list('unlinked'));
  q('all members page (with total)', list('all'));
  q('members for a contact', () => repo.membersForContact('4242', ['wp'], 'keap'));
  q('contacts without a user (page + total)', () =>
    repo.contactsWithoutUser({ crmConnectionId: 'keap', wpConnectionId: 'wp', limit: 50, offset: 0 }),
  );
  big.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
