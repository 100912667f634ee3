import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../app/api/core';
import { openWorkspace } from '../../app/workspace/workspace';
import { openDatabase, type Db } from '../../app/store/database';
import { BUILT_IN_CONNECTORS } from '../../app/connectors/built-in';
import { startLinkedAcSandboxes, type LinkedAcSandboxes } from '../../app/sandbox/activecampaign';
import type { AcSandbox } from '../../app/sandbox/activecampaign';
import type { WordPressSandbox } from '../../app/sandbox/wordpress';
import type { WriteHook, WriteHookResult } from '../../app/sandbox/write-hook';
import { cacheState } from './merge-world';
import { tempDir } from './workspace';

import { cli } from './merge-faults';
import { connectLinkedAc } from './ac-workspace';

export { cli, type CliRun } from './merge-faults';

const SEED = 42;
const PEOPLE = 45;
/** The sandbox is started again for every scenario: the workspace's stored key must keep working. */
const API_KEY = 'ac-sandbox-merge-faults-key';
export const AC_CONFIRM =
  'access_loss,access_conflict,consent_conflict,two_active_subscriptions,two_wp_users_with_progress';
/** The account's 5 requests/s would make every scenario wait; the limit is tested elsewhere. */
const FAST = { perSecond: 2000 };

/** A labelled duplicate pair whose duplicate carries the member, the access tag, lists, an automation. */
export interface AcMergeCase {
  readonly groupId: number;
  readonly survivorId: string;
  readonly loserId: string;
  readonly wpUserId: number;
}

export interface AcTemplate {
  readonly dir: string;
  readonly case: AcMergeCase;
  dispose(): void;
}

/** A workspace connected to the ActiveCampaign and WordPress sandboxes, synced and scanned, copied per scenario. */
export async function buildAcTemplate(): Promise<AcTemplate> {
  const dir = tempDir('md-acft-');
  const sb = await startLinkedAcSandboxes({
    stateDir: join(dir, 'sandbox'),
    seed: SEED,
    people: PEOPLE,
    apiKey: API_KEY,
    ...FAST,
  });
  const core = createCore({ workspace: openWorkspace(dir), host: 'cli', connectors: BUILT_IN_CONNECTORS });
  try {
    await shapeCase(sb);
    await connectLinkedAc(core, sb, connectionSettings());
    const found = findAcMergeCase(core.context.workspace.db, sb);
    return { dir, case: found, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } finally {
    core.close();
    await sb.close();
  }
}

/**
 * Through the account's own API, before the sync: the survivor of the first member's pair has no phone and the
 * duplicate has one (so the merge writes a field) and the duplicate unsubscribed from a third list (so the merge carries
 * an unsubscribe over as well as a subscription).
 */
async function shapeCase(sb: LinkedAcSandboxes): Promise<void> {
  const loserId = sb.crm.world.wordpressSeed().members[0]!.linkedContactId!;
  const survivorId = sb.crm.world.truth.clusters
    .find((c) => c.ids.includes(loserId))!
    .ids.find((id) => id !== loserId)!;
  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${sb.crm.baseUrl}/api/3${path}`, {
      method,
      headers: { 'Api-Token': sb.crm.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
  };
  await send('PUT', `/contacts/${survivorId}`, { contact: { phone: '' } });
  await send('PUT', `/contacts/${loserId}`, { contact: { phone: '+1 415 555 0100' } });
  await send('POST', '/contactLists', { contactList: { contact: loserId, list: '3', status: 2 } });
}

function connectionSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { rateLimits: { perSecond: 1000, maxConcurrent: 2 }, retryBaseDelayMs: 20, ...extra };
}

/**
 * The first labelled pair, in the order the sandbox made them, whose duplicate is the one a WordPress member and
 * AccessAlly order point at and that detection grouped on its own: merging it must move tags, lists, an
 * automation, a custom field and the member.
 */
function findAcMergeCase(db: Db, sb: LinkedAcSandboxes): AcMergeCase {
  const groups = db
    .prepare(`SELECT id, crm_ids FROM dup_groups WHERE status = 'open' AND size = 2 ORDER BY id`)
    .all() as { id: number; crm_ids: string }[];
  for (const member of sb.crm.world.wordpressSeed().members) {
    const loserId = member.linkedContactId;
    const cluster = sb.crm.world.truth.clusters.find((c) => loserId && c.ids.includes(loserId));
    if (!cluster || !loserId) continue;
    const survivorId = cluster.ids.find((id) => id !== loserId)!;
    const group = groups.find((g) => {
      const ids = JSON.parse(g.crm_ids) as string[];
      return ids.includes(loserId) && ids.includes(survivorId);
    });
    const wpId = db.prepare('SELECT wp_id FROM wp_users WHERE linked_contact_id = ?').pluck().get(loserId) as
      number | undefined;
    if (group && wpId !== undefined) return { groupId: group.id, survivorId, loserId, wpUserId: wpId };
  }
  throw new Error('no labelled ActiveCampaign pair with a linked member was grouped by detection');
}

/** One scenario: a copy of the template with its own ActiveCampaign and WordPress sandboxes in this process. */
export interface AcScenario {
  readonly dir: string;
  readonly crm: AcSandbox;
  readonly site: WordPressSandbox;
  /** Every write request both sandboxes received past the hook, in order, as "crm|wp METHOD path". */
  readonly writes: string[];
  onWrite:
    | ((
        n: number,
        phase: 'before' | 'after',
        signature: string,
      ) => WriteHookResult | Promise<WriteHookResult>)
    | null;
  close(): Promise<void>;
}

export interface AcScenarioOptions {
  /** Connection tuning (connections.settings) on top of the fast defaults, e.g. a short timeout. */
  readonly crmSettings?: Record<string, unknown>;
  /** Seconds the sandbox's 429 answers ask the client to wait. */
  readonly retryAfterSeconds?: number;
  /** Survivorship settings saved in the copy before the merge (e.g. tag-and-keep instead of delete). */
  readonly survivorship?: { readonly manualLoserAction: 'delete' | 'archive'; readonly archiveTagId: string };
}

export async function acScenario(template: AcTemplate, options: AcScenarioOptions = {}): Promise<AcScenario> {
  const dir = tempDir('md-acfs-');
  cpSync(template.dir, dir, { recursive: true });
  const sb = await startLinkedAcSandboxes({
    stateDir: join(dir, 'sandbox'),
    apiKey: API_KEY,
    ...FAST,
    ...(options.retryAfterSeconds !== undefined ? { retryAfterSeconds: options.retryAfterSeconds } : {}),
  });
  const db = openDatabase(join(dir, 'mergedesk.db'));
  db.prepare(`UPDATE connections SET base_url = ?, settings = ? WHERE kind = 'activecampaign'`).run(
    sb.crm.baseUrl,
    JSON.stringify(connectionSettings(options.crmSettings)),
  );
  db.prepare(`UPDATE connections SET base_url = ? WHERE kind = 'wordpress'`).run(sb.wordpress.baseUrl);
  db.close();
  if (options.survivorship) {
    const core = createCore({ workspace: openWorkspace(dir), host: 'cli', connectors: BUILT_IN_CONNECTORS });
    try {
      await core.call('merge/settings-set', { survivorship: options.survivorship });
    } finally {
      core.close();
    }
  }
  let n = 0;
  const writes: string[] = [];
  const s: AcScenario = {
    dir,
    crm: sb.crm,
    site: sb.wordpress,
    writes,
    onWrite: null,
    async close() {
      await sb.close();
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
  sb.crm.writeHook = hook('crm');
  sb.wordpress.writeHook = hook('wp');
  return s;
}

export function acMergeArgs(c: AcMergeCase): string[] {
  return ['merge', String(c.groupId), '--survivor', c.survivorId, '--confirm', AC_CONFIRM, '--yes', '--json'];
}

/**
 * The end state without clocks or association ids (which only number the rows): each record's fields, custom
 * fields, tags, list statuses and automation entries, the site's members and orders, and the workspace cache.
 */
export function acEndState(s: AcScenario, c: AcMergeCase): unknown {
  const st = s.crm.state;
  const ids = [c.survivorId, c.loserId];
  const per = <T>(pick: (id: string) => T) => Object.fromEntries(ids.map((id) => [id, pick(id)]));
  const site = s.site.snapshot();
  const db: Db = openDatabase(join(s.dir, 'mergedesk.db'));
  try {
    return {
      contacts: per((id) => {
        const rec = st.contacts[id];
        if (!rec) return null;
        const { udate: _u, ...rest } = rec;
        return rest;
      }),
      contactCount: Object.keys(st.contacts).length,
      fields: per((id) =>
        Object.fromEntries(
          Object.values(st.fieldValues)
            .filter((v) => v.contact === id)
            .map((v) => [v.field, v.value])
            .sort(),
        ),
      ),
      tags: per((id) =>
        Object.values(st.contactTags)
          .filter((a) => a.contact === id)
          .map((a) => a.tag)
          .sort(),
      ),
      lists: per((id) =>
        Object.values(st.contactLists)
          .filter((m) => m.contact === id)
          .map((m) => `${m.list}:${m.status}`)
          .sort(),
      ),
      automations: per((id) =>
        Object.values(st.contactAutomations)
          .filter((a) => a.contact === id)
          .map((a) => `${a.automation}:${a.status}`)
          .sort(),
      ),
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

/** The same merge, uninterrupted, on a fresh copy of the template: what every fault run is compared with. */
export async function acCleanRun(
  template: AcTemplate,
  options: AcScenarioOptions = {},
): Promise<{ state: unknown; writes: string[] }> {
  const s = await acScenario(template, options);
  try {
    const run = await cli(s.dir, acMergeArgs(template.case)).done;
    if (run.code !== 0) throw new Error(`clean merge failed (${run.code}): ${run.stderr}`);
    return { state: acEndState(s, template.case), writes: [...s.writes] };
  } finally {
    await s.close();
  }
}
