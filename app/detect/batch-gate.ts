import { createHash } from 'node:crypto';
import type { Db } from '../store/database';
import { CacheReader, type GroupData } from '../merge/cache-reader';
import { needsChoiceReason } from '../merge/guards';
import { buildPlan } from '../merge/plan';
import { readAccess, readSurvivorship, withCapacity } from '../merge/settings';
import type { CoreContext } from '../context/context';
import type { CrmSlots } from '../ports/connector';
import { listConnections } from '../sync/connections';
import { normaliseEmail } from './normalise/email';
import {
  gateCandidates,
  gateWatermark,
  readGateWatermark,
  saveGateWatermark,
  setGateOutcome,
} from './gate-store';
import { openGroupTally } from './store';
import type { Lane } from './types';

/**
 * "Safe" promises that a batch can merge the group without a look. Detection decides that the records are one
 * person; this gate, run after every scan, after a sync and after the merge settings change, keeps in `safe` only
 * groups whose records share a normalised email address and whose merge plan — built offline from the cache with
 * the current merge settings and the default choices, exactly as a batch would build it — raises no guard. The
 * others go to `needs_choice` with the guard named in their reason; they come back when the cause goes away.
 */
export interface GateSummary {
  readonly checked: number;
  readonly moved: number;
  readonly restored: number;
  readonly lanes: Record<Lane, number>;
}

/** Whether the records are all joined by shared email addresses (trimmed, lower-cased), directly or in a chain. */
export function sharesEmail(data: GroupData): boolean {
  const n = data.records.length;
  const parent = data.records.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  data.records.forEach((r, i) => {
    for (const e of r.emails) {
      const key = normaliseEmail(e.email)?.exact;
      if (!key) continue;
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const root = find(0);
  for (let i = 1; i < n; i++) if (find(i) !== root) return false;
  return n >= 2;
}

/**
 * What the gate needs to know of a connection's CRM to build the plan a batch would build: its strategy and its
 * slot capacity. Plain data, so a scan in a worker thread receives it with its job.
 */
export interface GateProfile {
  readonly strategy: 'native' | 'manual';
  readonly slots: CrmSlots;
}
export type GateProfiles = Readonly<Record<string, GateProfile>>;

/** The gate profile of every CRM connection this core has a connector for. */
export function gateProfiles(ctx: CoreContext): GateProfiles {
  const out: Record<string, GateProfile> = {};
  for (const row of listConnections(ctx.workspace.db)) {
    if (!ctx.connectors.isCrm(row.kind)) continue;
    const caps = ctx.connectors.crm(row.kind).capabilities;
    out[row.id] = { strategy: caps.nativeMerge ? 'native' : 'manual', slots: caps.slots };
  }
  return out;
}

/** The merge settings a batch's plan uses: read once per gate run. */
interface GateSettings {
  readonly survivorship: ReturnType<typeof readSurvivorship>;
  readonly access: ReturnType<typeof readAccess>;
}

/** Why a group may not stay in `safe`, in words; null when a batch can merge it. */
export function gateReason(
  db: Db,
  data: GroupData,
  now: string,
  profile: GateProfile | undefined,
  settings: GateSettings = { survivorship: readSurvivorship(db), access: readAccess(db) },
): string | null {
  if (!sharesEmail(data)) return 'needs a choice: no email address in common';
  if (!profile) return 'needs a choice: this build cannot merge contacts of this connection';
  const { plan } = buildPlan({
    data,
    survivorship: withCapacity(settings.survivorship, profile.slots),
    access: settings.access,
    strategy: profile.strategy,
    slots: profile.slots,
    choices: {},
    now,
  });
  if (plan.guards.length === 0) return null;
  return needsChoiceReason(plan.guards.map((g) => ({ short: g.short ?? g.message })));
}

/**
 * Re-gates open `safe` groups (and those the gate moved before): all of them, the given ids, or — `changedOnly`,
 * after a scan or a WordPress sync — only groups re-formed or with data synced since the last gate (all of them
 * when the merge settings or CRM profiles differ from the last gate's).
 */
export function gateLanes(
  db: Db,
  profiles: GateProfiles,
  options: { groupIds?: readonly number[]; now?: string; changedOnly?: boolean } = {},
): GateSummary {
  const now = options.now ?? new Date().toISOString();
  const reader = new CacheReader(db);
  const settings = { survivorship: readSurvivorship(db), access: readAccess(db) };
  const digest = createHash('sha1').update(JSON.stringify({ settings, profiles })).digest('hex');
  let moved = 0;
  let restored = 0;
  // Taken before reading, so a write landing while the gate runs is looked at again next time.
  const watermark = options.groupIds ? null : { ...gateWatermark(db), settings: digest };
  const last = options.changedOnly ? readGateWatermark(db) : null;
  // Groups judged under other merge settings or CRM capabilities are judged again, changed or not.
  const since = last && last.settings === digest ? last : null;
  const candidates = gateCandidates(db, {
    ...(options.groupIds ? { groupIds: options.groupIds } : {}),
    ...(since ? { since } : {}),
  });
  db.transaction(() => {
    for (const c of candidates) {
      let reason: string | null;
      try {
        reason = gateReason(
          db,
          reader.load({ connectionId: c.connectionId, crmIds: c.crmIds, groupId: c.id }),
          now,
          profiles[c.connectionId],
          settings,
        );
      } catch {
        // A record missing from the cache (deleted since the scan): no batch should touch the group.
        reason = 'needs a choice: a record is no longer in the cache; sync and scan again';
      }
      const identity = c.gated ?? { lane: c.lane, reason: c.reason };
      if (reason) {
        const next = { lane: 'needs_choice' as const, reason: `${reason} — ${identity.reason}` };
        if (c.lane !== next.lane || c.reason !== next.reason) {
          setGateOutcome(db, c, next);
          if (!c.gated) moved += 1;
        }
      } else if (c.gated) {
        setGateOutcome(db, c, null);
        restored += 1;
      }
    }
    if (watermark) saveGateWatermark(db, watermark);
  })();
  return { checked: candidates.length, moved, restored, lanes: openGroupTally(db).lanes };
}
