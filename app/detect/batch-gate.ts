import type { Db } from '../store/database';
import { CacheReader, type GroupData } from '../merge/cache-reader';
import { needsChoiceReason } from '../merge/guards';
import { buildPlan } from '../merge/plan';
import { readAccess, readSurvivorship } from '../merge/settings';
import { normaliseEmail } from './normalise/email';
import {
  gateCandidates,
  gateWatermark,
  openLaneCounts,
  readGateWatermark,
  saveGateWatermark,
  setGateOutcome,
} from './store';
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

/** What a batch's plan depends on besides the group: read once per gate run. */
interface GateContext {
  readonly survivorship: ReturnType<typeof readSurvivorship>;
  readonly access: ReturnType<typeof readAccess>;
  readonly strategy: (connectionId: string) => 'native' | 'manual';
}

function gateContext(db: Db): GateContext {
  const kinds = new Map<string, 'native' | 'manual'>();
  const kind = db.prepare('SELECT kind FROM connections WHERE id = ?').pluck();
  return {
    survivorship: readSurvivorship(db),
    access: readAccess(db),
    strategy: (id) => {
      let s = kinds.get(id);
      // Offline, without a connector: Keap merges natively, the others are merged field by field.
      if (!s) kinds.set(id, (s = kind.get(id) === 'keap' ? 'native' : 'manual'));
      return s;
    },
  };
}

/** Why a group may not stay in `safe`, in words; null when a batch can merge it. */
export function gateReason(db: Db, data: GroupData, now: string, context = gateContext(db)): string | null {
  if (!sharesEmail(data)) return 'needs a choice: no email address in common';
  const { plan } = buildPlan({
    data,
    survivorship: context.survivorship,
    access: context.access,
    strategy: context.strategy(data.connectionId),
    choices: {},
    now,
  });
  if (plan.guards.length === 0) return null;
  return needsChoiceReason(plan.guards.map((g) => ({ short: g.short ?? g.message })));
}

/**
 * Re-gates open `safe` groups (and those the gate moved before): all of them, the given ids, or — `changedOnly`,
 * after an incremental scan or a WordPress sync — only groups re-formed or with data synced since the last gate.
 */
export function gateLanes(
  db: Db,
  options: { groupIds?: readonly number[]; now?: string; changedOnly?: boolean } = {},
): GateSummary {
  const now = options.now ?? new Date().toISOString();
  const reader = new CacheReader(db);
  const context = gateContext(db);
  let moved = 0;
  let restored = 0;
  // Taken before reading, so a write landing while the gate runs is looked at again next time.
  const watermark = options.groupIds ? null : gateWatermark(db);
  const since = options.changedOnly ? readGateWatermark(db) : null;
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
          context,
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
  return { checked: candidates.length, moved, restored, lanes: openLaneCounts(db) };
}
