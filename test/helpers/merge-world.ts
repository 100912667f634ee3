import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { openDatabase, type Db } from '../../app/store/database';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { WpUsersRepo } from '../../app/store/wp-users-repo';
import { CacheReader } from '../../app/merge/cache-reader';
import { buildPlan } from '../../app/merge/plan';
import { MergeJournal } from '../../app/merge/journal';
import { MergeExecutor } from '../../app/merge/executor';
import { readAccess, readSurvivorship, withCapacity } from '../../app/merge/settings';
import { keapConnector } from '../../app/connectors/keap/connector';
import type { CrmSlots } from '../../app/ports/connector';
import type { GuardCode, MergePlan, ReviewChoices } from '../../app/merge/types';
import type { Clock } from '../../app/ports/clock';
import { FaultInjector } from './faults';
import { FakeCrm } from './fake-crm';
import { FakeWordPress } from './fake-wordpress';
import { tempDir } from './workspace';

export const CRM = 'keap1';
export const WP = 'wp1';

/** A clock whose sleeps return at once, so retries with backoff run instantly in tests. */
export function instantClock(start = Date.UTC(2026, 10, 30, 9)): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/**
 * Seeds a fake Keap + WordPress/AccessAlly pair with the classic split member: Ann bought with record 101
 * (course access tag, an order, a subscription, an AccessAlly order) and logs in with record 102 (the WP user
 * with progress), and a third record 103 with an older email.
 */
export function seedRemotes(
  options: { nativeMerge?: boolean; faults?: FaultInjector; lists?: boolean } = {},
) {
  const faults = options.faults ?? new FaultInjector();
  const crm = new FakeCrm(faults, {
    nativeMerge: options.nativeMerge ?? !options.lists,
    ...(options.lists ? { lists: true } : {}),
  });
  const wp = new FakeWordPress(faults, (id) =>
    [...(crm.contactTags.get(id) ?? [])].sort().map((t) => ({ id: t, name: crm.tags.get(t)?.name ?? t })),
  );
  crm.seedTag({ id: '10', name: 'Course A Access', category: 'Access' });
  crm.seedTag({ id: '11', name: 'Newsletter', category: 'Marketing' });
  crm.seedTag({ id: '12', name: 'VIP Member', category: 'Access' });
  crm.seedTag({ id: '13', name: 'Customer', category: null });
  crm.seedTag({ id: '99', name: 'Archived duplicate', category: 'Admin' });
  crm.seedContact({
    id: '101',
    givenName: 'Ann',
    familyName: 'Lee',
    company: null,
    emails: [{ slot: 'EMAIL1', email: 'ann@example.com', optIn: true }],
    phones: [{ slot: 'PHONE1', number: '555-201-3344', type: 'MOBILE' }],
    addresses: [],
    tagIds: ['10', '13'],
    createdAt: '2023-01-01T00:00:00.000Z',
    updatedAt: '2025-05-01T00:00:00.000Z',
  });
  crm.seedContact({
    id: '102',
    givenName: 'Ann',
    familyName: 'Lee-Smith',
    company: 'Lee Studio',
    emails: [
      { slot: 'EMAIL1', email: 'Ann@Example.com', optIn: true },
      { slot: 'EMAIL2', email: 'ann.lee@work.test', optIn: true },
    ],
    phones: [],
    addresses: [
      {
        slot: 'BILLING',
        line1: '1 Main St',
        locality: 'Springfield',
        postalCode: '12345',
        countryCode: 'US',
      },
    ],
    tagIds: ['11', '12'],
    createdAt: '2024-03-01T00:00:00.000Z',
    updatedAt: '2025-06-01T00:00:00.000Z',
  });
  crm.seedContact({
    id: '103',
    givenName: 'A.',
    familyName: 'Lee',
    company: null,
    emails: [{ slot: 'EMAIL1', email: 'ann@old.test', optIn: null }],
    phones: [],
    addresses: [],
    tagIds: ['11'],
    createdAt: '2022-01-01T00:00:00.000Z',
    updatedAt: '2022-02-01T00:00:00.000Z',
  });
  crm.seedOrder({
    id: 'o1',
    contactId: '101',
    title: 'Course A',
    status: 'PAID',
    total: 199,
    orderDate: '2024-01-02',
  });
  crm.seedOrder({
    id: 'o2',
    contactId: '102',
    title: 'VIP',
    status: 'PAID',
    total: 49,
    orderDate: '2025-01-02',
  });
  crm.seedSubscription({ id: 's1', contactId: '102', title: 'VIP monthly', status: 'Active', active: true });
  wp.seedMember({
    wpId: 7,
    login: 'annlee',
    email: 'ann@example.com',
    displayName: 'Ann Lee',
    registeredAt: '2024-03-01',
    lastLoginAt: '2026-11-20T10:00:00Z',
    linkedContactId: '102',
    progress: { lessonsCompleted: 12 },
    accessTags: [{ id: '12', name: 'VIP Member' }],
  });
  wp.seedOrder({ id: 'aa-1', kind: 'order', contactId: '102', title: 'VIP', status: 'completed' });
  wp.seedOrder({
    id: 'aa-2',
    kind: 'subscription',
    contactId: '103',
    title: 'Old plan',
    status: 'cancelled',
  });
  return { faults, crm, wp };
}

/** Copies the remotes into a fresh cache (what a sync would do) and makes one duplicate group of them. */
export async function seedCache(
  db: Db,
  crm: FakeCrm,
  wp: FakeWordPress,
  ids: readonly string[],
  lane = 'needs_choice',
): Promise<number> {
  const now = '2026-11-30T08:00:00.000Z';
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, created_at) VALUES (?, 'keap', 'Keap', 'http://keap.test', ?)`,
  ).run(CRM, now);
  db.prepare(
    `INSERT INTO connections (id, kind, label, base_url, settings, created_at) VALUES (?, 'wordpress', 'Site', 'http://wp.test', ?, ?)`,
  ).run(WP, JSON.stringify({ crmConnectionId: CRM }), now);
  const repo = new ContactsRepo(db, CRM);
  repo.saveTags([...crm.tags.values()]);
  repo.saveContacts(
    ids.map((id) => ({
      ...crm.contacts.get(id)!,
      tagIds: [...crm.contactTags.get(id)!].sort(),
      raw: { id },
    })),
    now,
  );
  repo.saveOrders([...crm.orders.values()], now);
  repo.saveSubscriptions([...crm.subscriptions.values()], now);
  const wpRepo = new WpUsersRepo(db);
  wpRepo.upsertMembers(WP, [...wp.members.values()], now);
  wpRepo.upsertOrders(WP, [...wp.orders.values()], now);
  const groupId = db
    .prepare(
      `INSERT INTO dup_groups (connection_id, group_key, lane, score, reason, size, crm_ids, created_at, updated_at)
      VALUES (?, ?, ?, 0.97, 'same email', ?, ?, ?, ?) RETURNING id`,
    )
    .pluck()
    .get(CRM, `g-${ids.join('-')}`, lane, ids.length, JSON.stringify([...ids].sort()), now, now) as number;
  const member = db.prepare(
    'INSERT INTO dup_group_members (group_id, contact_pk, crm_id) SELECT ?, pk, crm_id FROM contacts WHERE connection_id = ? AND crm_id = ?',
  );
  for (const id of ids) member.run(groupId, CRM, id);
  return groupId;
}

export function planFor(
  db: Db,
  groupId: number,
  choices: ReviewChoices = {},
  strategy: 'native' | 'manual' = 'native',
  slots: CrmSlots = keapConnector.capabilities.slots,
): MergePlan {
  const reader = new CacheReader(db);
  const g = reader.groupMembers(groupId);
  const data = reader.load({
    connectionId: g.connectionId,
    crmIds: g.crmIds,
    groupId,
    groupKey: g.groupKey,
    lane: g.lane,
  });
  return buildPlan({
    data,
    survivorship: withCapacity(readSurvivorship(db), slots),
    access: readAccess(db),
    strategy,
    slots,
    choices,
    now: '2026-11-30T09:00:00.000Z',
  }).plan;
}

export const ALL_GUARDS: GuardCode[] = [
  'access_loss',
  'access_conflict',
  'consent_conflict',
  'two_active_subscriptions',
  'two_wp_users_with_progress',
];

/** A file-backed workspace database that survives "crashes" (close + reopen). */
export function fileDb() {
  const dir = tempDir('md-merge-');
  const file = join(dir, 'mergedesk.db');
  return {
    file,
    open: () => openDatabase(file),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function executor(db: Db, crm: FakeCrm, wp: FakeWordPress | null, clock = instantClock()) {
  return new MergeExecutor({ db, crm, wp, clock, retry: { attempts: 4, baseDelayMs: 10 } });
}

export function queue(db: Db, plan: MergePlan, confirmed: readonly GuardCode[] = ALL_GUARDS): string {
  return new MergeJournal(db, () => '2026-11-30T09:00:00.000Z').createRun(plan, {
    status: 'planned',
    confirmed,
  });
}

/** The cache as a comparable value: contacts with their children, orders, WP links, group status. */
export function cacheState(db: Db): unknown {
  const q = (sql: string) => db.prepare(sql).all();
  return {
    contacts: q(
      `SELECT crm_id, given_name, middle_name, family_name, company, job_title, birthday, email_opt_in FROM contacts ORDER BY crm_id`,
    ),
    emails: q(
      `SELECT c.crm_id, e.slot, e.email, e.opt_in FROM contact_emails e JOIN contacts c ON c.pk = e.contact_pk ORDER BY 1, 2`,
    ),
    phones: q(
      `SELECT c.crm_id, p.slot, p.number FROM contact_phones p JOIN contacts c ON c.pk = p.contact_pk ORDER BY 1, 2`,
    ),
    addresses: q(
      `SELECT c.crm_id, a.slot, a.line1 FROM contact_addresses a JOIN contacts c ON c.pk = a.contact_pk ORDER BY 1, 2`,
    ),
    tags: q(
      `SELECT c.crm_id, t.crm_id AS tag FROM contact_tags ct JOIN contacts c ON c.pk = ct.contact_pk JOIN tags t ON t.pk = ct.tag_pk ORDER BY 1, 2`,
    ),
    orders: q(`SELECT crm_id, contact_crm_id FROM orders ORDER BY 1`),
    subscriptions: q(`SELECT crm_id, contact_crm_id FROM subscriptions ORDER BY 1`),
    wpUsers: q(`SELECT wp_id, linked_contact_id FROM wp_users ORDER BY 1`),
    wpOrders: q(`SELECT wp_order_id, contact_id FROM wp_orders ORDER BY 1`),
    groups: q(`SELECT id, status FROM dup_groups ORDER BY 1`),
  };
}
