import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_CONNECTORS } from '../../../app/connectors/built-in';
import { rmSync } from 'node:fs';
import { createCore, type Core } from '../../../app/api/core';
import { openWorkspace } from '../../../app/workspace/workspace';
import { MemorySecretStore } from '../../../app/secrets/file-secret-store';
import { ensureSandboxWorkspace, type EmbeddedSandbox } from '../../../app/sandbox/embedded';
import { attachAutoRescan } from '../../../app/detect/auto-rescan';
import { syncManager } from '../../../app/sync/manager';
import { batchSummary, startBatch, waitForBatch } from '../../../app/merge/batch';
import { tempDir, scanAndWait } from '../../helpers/workspace';

/** A seeded embedded Keap + WordPress sandbox, synced and scanned, as a new user has it. */
async function sandboxWorld(contacts: number) {
  const dir = tempDir('md-safe-');
  const core: Core = createCore({
    workspace: openWorkspace(dir, { secrets: new MemorySecretStore() }),
    host: 'web',
    connectors: BUILT_IN_CONNECTORS,
  });
  const emb = (await ensureSandboxWorkspace(core.context, { contacts, seed: 42 }))!;
  await emb.firstSync;
  await scan(core, 'full');
  return {
    core,
    emb,
    db: core.context.workspace.db,
    close: async () => {
      await emb.close();
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function scan(core: Core, mode: 'full' | 'incremental') {
  await scanAndWait(core, mode, 1200);
}

const GUARD_CODES =
  /access_loss|access_conflict|consent_conflict|two_active_subscriptions|two_wp_users|too_many_values/;

describe('the safe lane of a seeded Keap sandbox merges in a batch', () => {
  let world: Awaited<ReturnType<typeof sandboxWorld>>;
  beforeAll(async () => {
    world = await sandboxWorld(600);
  }, 240_000);
  afterAll(async () => world?.close());

  it('merges at least 95 % of the safe lane, and every skipped group has its reason in words', async () => {
    const safe = world.db
      .prepare(`SELECT count(*) FROM dup_groups WHERE status = 'open' AND lane = 'safe'`)
      .pluck()
      .get() as number;
    expect(safe).toBeGreaterThan(5);
    startBatch(world.core.context, {});
    const state = await waitForBatch(world.core.context);
    expect(state.status).toBe('finished');
    expect(state.total).toBe(safe);
    expect(state.merged / state.total).toBeGreaterThanOrEqual(0.95);
    for (const s of [...state.skipped, ...state.failed.map((f) => ({ ...f, reason: f.message }))]) {
      expect(s.reason.length).toBeGreaterThan(20);
      expect(s.reason).not.toMatch(GUARD_CODES);
      expect(s.names).toMatch(/\p{L}/u);
    }
    const text = batchSummary(state);
    expect(text[0]).toContain(`${state.merged} merged, ${state.skipped.length} skipped`);
    expect(text).toHaveLength(1 + state.skipped.length + state.failed.length);
  }, 600_000);
});

describe('lanes follow tags and consent after a sync', () => {
  let world: Awaited<ReturnType<typeof sandboxWorld>>;
  let emb: EmbeddedSandbox;
  beforeAll(async () => {
    world = await sandboxWorld(400);
    emb = world.emb;
    attachAutoRescan(world.core.context);
  }, 240_000);
  afterAll(async () => world?.close());

  /**
   * The test's own requests to the sandbox, which enforces Keap's rate limit beside the app's sync: one that meets
   * a 429 is sent again after the window (the sandbox applies nothing it answers 429 to).
   */
  const api = async (path: string, init: RequestInit = {}): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${emb.sandbox.baseUrl}/rest/v2${path}`, {
        ...init,
        headers: { 'X-Keap-API-Key': emb.sandbox.apiKey, 'Content-Type': 'application/json' },
      });
      if (res.status !== 429 || attempt >= 10) return res;
      await res.arrayBuffer();
      await new Promise((done) => setTimeout(done, 1100));
    }
  };

  /** A CRM sync as the app runs it; the attached re-scan (and its gate) follows. */
  async function syncAndRescan() {
    const scanned = new Promise<void>((resolve) => {
      const off = world.core.events.subscribe((e) => {
        if (e.name === 'detect/finished') {
          off();
          resolve();
        }
      });
    });
    const manager = syncManager(world.core.context);
    manager.start(emb.connectionId, { mode: 'incremental' });
    await manager.wait(emb.connectionId);
    await scanned;
  }

  const laneOf = (crmIds: readonly string[]) =>
    world.db
      .prepare(`SELECT lane, reason FROM dup_groups WHERE status = 'open' AND crm_ids = ?`)
      .get(JSON.stringify([...crmIds].sort())) as { lane: string; reason: string } | undefined;

  it('moves a group out of safe when a sync brings a revoke tag onto the record without the member', async () => {
    const db = world.db;
    // A safe pair whose WordPress member sits on a record with an access tag and no revoke tag.
    const rows = db
      .prepare(
        `SELECT g.crm_ids FROM dup_groups g WHERE g.status = 'open' AND g.lane = 'safe' AND g.size = 2 ORDER BY g.id`,
      )
      .pluck()
      .all() as string[];
    const tagsOf = db.prepare(
      `SELECT t.crm_id, t.name, t.category FROM contact_tags ct JOIN tags t ON t.pk = ct.tag_pk
       JOIN contacts c ON c.pk = ct.contact_pk WHERE c.crm_id = ?`,
    );
    const member = db.prepare('SELECT count(*) FROM wp_users WHERE linked_contact_id = ?').pluck();
    let target: { ids: string[]; other: string } | null = null;
    for (const json of rows) {
      const ids = JSON.parse(json) as string[];
      for (const id of ids) {
        const tags = tagsOf.all(id) as { name: string }[];
        if (
          (member.get(id) as number) > 0 &&
          tags.some((t) => t.name.startsWith('Access:')) &&
          !ids.some((x) => (tagsOf.all(x) as { name: string }[]).some((t) => t.name.startsWith('Revoke:')))
        ) {
          target = { ids, other: ids.find((x) => x !== id)! };
          break;
        }
      }
      if (target) break;
    }
    expect(target).not.toBeNull();
    const revoke = db
      .prepare(`SELECT crm_id, name FROM tags WHERE name LIKE 'Revoke:%' ORDER BY crm_id LIMIT 1`)
      .get() as { crm_id: string; name: string };
    expect(laneOf(target!.ids)?.lane).toBe('safe');

    const res = await api(`/tags/${revoke.crm_id}/contacts:applyTags`, {
      method: 'POST',
      body: JSON.stringify({ contact_ids: [target!.other] }),
    });
    expect(res.status).toBe(200);
    await syncAndRescan();

    const after = laneOf(target!.ids);
    expect(after?.lane).toBe('needs_choice');
    expect(after?.reason).toMatch(/^needs a choice: revoke tag .* would land on a member's access/);
    expect(after?.reason).toContain(revoke.name);

    // Taking the tag off again puts the group back.
    await api(`/tags/${revoke.crm_id}/contacts:removeTags`, {
      method: 'POST',
      body: JSON.stringify({ contact_ids: [target!.other] }),
    });
    await syncAndRescan();
    expect(laneOf(target!.ids)?.lane).toBe('safe');
  }, 120_000);

  it('moves a group out of safe when a sync brings an opt-out on one of its records', async () => {
    const db = world.db;
    const ids = JSON.parse(
      db
        .prepare(
          `SELECT g.crm_ids FROM dup_groups g WHERE g.status = 'open' AND g.lane = 'safe' AND g.size = 2 ORDER BY g.id DESC LIMIT 1`,
        )
        .pluck()
        .get() as string,
    ) as string[];
    const read = await api(`/contacts/${ids[1]}?fields=email_addresses`);
    expect(read.status).toBe(200);
    const contact = (await read.json()) as { email_addresses?: { email: string; field: string }[] };
    expect(contact.email_addresses).toBeDefined();
    const res = await api(`/contacts/${ids[1]}`, {
      method: 'PATCH',
      body: JSON.stringify({
        email_addresses: contact.email_addresses!.map((e) => ({
          email: e.email,
          field: e.field,
          is_opt_in: false,
          email_opt_status: 'UNENGAGED_MARKETABLE',
        })),
      }),
    });
    expect(res.status).toBe(200);
    await syncAndRescan();
    const after = laneOf(ids);
    expect(after?.lane).toBe('needs_choice');
    expect(after?.reason).toMatch(/^needs a choice: (opt-out on one record|an opt-out would be lost)/);
  }, 120_000);
});
