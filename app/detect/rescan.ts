import type { CountryCode } from 'libphonenumber-js/min';
import type { Db } from '../store/database';
import { BLOCKING_VERSION, blockNeighbours } from './blocking';
import { alsoBelongsNote, formGroups } from './engine';
import { extractFeatures, FeatureMemo } from './features';
import { FIELDS } from './compare';
import { fieldWeights, restoreModel, scorePair, type Model, type ModelParams } from './model';
import { pairFlags, reasonFor, IDENTITY_CONFLICT, SHARES_IDENTIFIER, SWAPPED } from './lanes';
import type { DetectSettings } from './settings';
import type { Features } from './types';
import { fullScan, keysOf, KEEP_FROM, type ScanOptions, type ScanSummary } from './scan';
import {
  insertKeys,
  lastRun,
  lookupBlocks,
  recordRun,
  termFrequencyReader,
  type LastRun,
} from './scan-store';
import {
  connectionIds,
  encodeContributions,
  groupGraph,
  insertGroups,
  insertPairs,
  openGroupTally,
  pairsOfContactRemover,
  loadExclusions,
  pairKey,
  previousGroups,
  type GroupRow,
  type StoredPair,
} from './store';
import { groupMemberOf, loadRecordsByPk, type CachedRecord } from './record-reads';
import { contactsChangedSince, vanishedContacts } from '../store/contacts-reads';

// Re-scans after a sync and re-grouping after a decision: the work that follows a full scan, against what it stored.
/** The stored model with term frequencies looked up lazily (only values the re-scan compares are read). */
function storedModel(db: Db, connectionId: string, params: ModelParams): Model {
  const countOf = termFrequencyReader(db, connectionId);
  const tf = FIELDS.map((f, k) => {
    if (!f.tf) return null;
    const cache = new Map<string, number>();
    return {
      get(value: string) {
        let count = cache.get(value);
        if (count === undefined) {
          count = countOf(k, value);
          cache.set(value, count);
        }
        return count;
      },
    };
  });
  return restoreModel(params, tf);
}

/**
 * Re-scan after a sync: only contacts changed since the last scan (newer `updated_at`, or new rows) are
 * re-keyed and compared with the records sharing a key; groups are re-formed around them. Falls back to a full
 * scan when there is no previous scan or most of the list changed.
 */
export function incrementalScan(db: Db, options: ScanOptions): ScanSummary {
  const t0 = performance.now();
  const connections = connectionIds(db, options.crmKinds);
  const runs = connections.map((c) => lastRun(db, c));
  // No scan yet, or keys stored under other rules: a re-scan would look its changed contacts up in the wrong keys.
  if (runs.some((r) => r === null || r.blocking !== BLOCKING_VERSION)) return fullScan(db, options);
  let changedTotal = 0;
  let comparisons = 0;
  let pairCount = 0;
  let contacts = 0;
  for (let c = 0; c < connections.length; c++) {
    const connectionId = connections[c]!;
    const run = runs[c]!;
    // The size at the last full scan: counting a million rows would cost a fifth of the re-scan budget.
    const count = run.model.n;
    contacts += count;
    const changedPks = contactsChangedSince(db, connectionId, run.watermark ?? '', run.maxPk);
    if (changedPks.length === 0) continue;
    if (changedPks.length > Math.max(5000, count * 0.2)) return fullScan(db, options);
    changedTotal += changedPks.length;
    const r = rescoreContacts(db, connectionId, run, changedPks, options);
    comparisons += r.comparisons;
    pairCount += r.pairs;
  }
  return {
    mode: 'incremental',
    contacts,
    changed: changedTotal,
    comparisons,
    pairs: pairCount,
    ...openGroupTally(db),
    rules: [],
    millis: Math.round(performance.now() - t0),
  };
}

/** Re-keys and re-scores the given contacts of one connection against the stored keys, then re-groups them. */
export function rescoreContacts(
  db: Db,
  connectionId: string,
  run: LastRun,
  changedPks: readonly number[],
  options: ScanOptions,
): { comparisons: number; pairs: number } {
  let comparisons = 0;
  options.onProgress?.('re-keying', 0, changedPks.length);
  const model = storedModel(db, connectionId, run.model);
  const region = options.settings.phoneRegion as CountryCode;
  const pool = new FeatureMemo();
  const changed = loadRecordsByPk(db, changedPks);
  const changedSet = new Set(changedPks);
  const changedFeatures = changed.map((r) => extractFeatures(r, region, pool));
  const changedKeys = changedFeatures.map(keysOf);
  const cap = options.settings.maxBlockSize;
  const blocks = lookupBlocks(db, [...new Set(changedKeys.flat())], cap);
  // A key's block as a full scan would see it, the changed contact included; null above the cap.
  const blockOf = (k: number, own: number): number[] | null => {
    const stored = blocks.get(k) ?? [];
    if (stored.includes(own)) return stored;
    return stored.length + 1 > cap ? null : [...stored, own];
  };
  const wanted = new Set<number>();
  for (let i = 0; i < changed.length; i++)
    for (const k of changedKeys[i]!)
      for (const pk of blockOf(k, changed[i]!.pk) ?? []) if (!changedSet.has(pk)) wanted.add(pk);
  const others = loadRecordsByPk(db, [...wanted]);
  const byPk = new Map<number, { record: CachedRecord; features: Features }>();
  changed.forEach((r, i) => byPk.set(r.pk, { record: r, features: changedFeatures[i]! }));
  for (const r of others) byPk.set(r.pk, { record: r, features: extractFeatures(r, region, pool) });
  // Each changed contact meets what a full scan would compare it with: all of a small block, its sorted
  // neighbourhood in a large one.
  const neighbours = new Map<number, Set<number>>();
  for (let i = 0; i < changed.length; i++) {
    const own = changed[i]!.pk;
    const set = new Set<number>();
    for (const k of changedKeys[i]!) {
      const members = blockOf(k, own)?.filter((pk) => byPk.has(pk));
      if (!members) continue;
      for (const pk of blockNeighbours(own, members, (m) => byPk.get(m)!.features)) set.add(pk);
    }
    neighbours.set(own, set);
  }
  const exclusions = loadExclusions(db, connectionId);
  const keepFrom = Math.min(KEEP_FROM, options.settings.reviewThreshold);
  const rows: unknown[][] = [];
  const seen = new Set<string>();
  const levels = new Int8Array(FIELDS.length);
  for (const [pk, set] of neighbours) {
    const a = byPk.get(pk)!;
    for (const other of set) {
      const b = byPk.get(other);
      if (!b) continue; // another connection, or deleted since
      const lo = Math.min(pk, other);
      const hi = Math.max(pk, other);
      const key = `${lo}:${hi}`;
      if (seen.has(key)) continue;
      seen.add(key);
      comparisons += 1;
      if (exclusions.has(pairKey(a.features.id, b.features.id))) continue;
      const [fa, fb] = lo === pk ? [a.features, b.features] : [b.features, a.features];
      const s = scorePair(fa, fb, model, options.settings, levels);
      const flags = pairFlags(fa, fb, levels, s.swapped, s);
      if (s.probability < keepFrom && !(flags & SHARES_IDENTIFIER)) continue;
      rows.push([
        lo,
        hi,
        Math.round(s.probability * 1e6) / 1e6,
        Math.round(s.weight * 100) / 100,
        flags,
        'incremental',
        encodeContributions(levels, fieldWeights(fa, fb, model, options.settings, levels)),
      ]);
    }
  }
  db.transaction(() => {
    // Only keys a changed contact did not already have are written: a key found in its block is stored.
    const goneChanged = vanishedContacts(db, changedPks);
    insertKeys(
      db,
      (function* () {
        for (let i = 0; i < changed.length; i++) {
          const own = changed[i]!.pk;
          if (goneChanged.has(own)) continue;
          for (const k of changedKeys[i]!) if (!blocks.get(k)?.includes(own)) yield [k, own] as const;
        }
      })(),
    );
    const removePairsOf = pairsOfContactRemover(db);
    for (const pk of changedPks) removePairsOf(pk);
    const gone = vanishedContacts(db, [...new Set(rows.flatMap((r) => [r[0] as number, r[1] as number]))]);
    const live = gone.size
      ? rows.filter((r) => !gone.has(r[0] as number) && !gone.has(r[1] as number))
      : rows;
    insertPairs(db, live);
    regroup(db, connectionId, changedPks, options.settings, model, options.now(), byPk);
    recordRun(db, {
      connectionId,
      kind: 'incremental',
      startedAt: options.now(),
      finishedAt: options.now(),
      model: run.model,
      watermark: maxString(run.watermark, changed),
      maxPk: Math.max(run.maxPk, ...changedPks),
      // The few keys written here follow the current rules; the rest are the last full scan's.
      blocking: run.blocking ?? 0,
      stats: { changed: changedPks.length, comparisons: seen.size, pairs: rows.length },
    });
  })();
  return { comparisons, pairs: rows.length };
}

function maxString(start: string | null, records: readonly CachedRecord[]): string | null {
  let max = start;
  for (const r of records) if (r.updatedAt && (!max || r.updatedAt > max)) max = r.updatedAt;
  return max;
}

/**
 * Re-forms the groups around some contacts from the stored pairs: the connected pieces that touch them (and every
 * open group they were in) are dissolved and grouped again. Used after an incremental re-scan and after a person
 * rules a pair out.
 */
export function regroup(
  db: Db,
  connectionId: string,
  seeds: readonly number[],
  settings: DetectSettings,
  model: Model | null,
  now: string,
  /** Records (and their features) the caller has just read: only the other members are read again. */
  known?: ReadonlyMap<number, { readonly record: CachedRecord; readonly features: Features }>,
): void {
  const graph = groupGraph(db);
  const shown = (p: StoredPair) => p.score >= settings.reviewThreshold || (p.flags & SHARES_IDENTIFIER) !== 0;
  const nodes = new Set<number>();
  const oldGroups = new Set<number>();
  const edges = new Map<string, StoredPair>();
  const stored = new Map<string, number>();
  const queue = [...seeds];
  while (queue.length) {
    const pk = queue.pop()!;
    if (nodes.has(pk)) continue;
    nodes.add(pk);
    for (const g of graph.liveGroupsOf(pk)) {
      if (oldGroups.has(g)) continue;
      oldGroups.add(g);
      for (const m of graph.membersOf(g)) if (!nodes.has(m)) queue.push(m);
    }
    for (const p of graph.pairsOf(pk)) {
      const key = `${p.a_pk}:${p.b_pk}`;
      stored.set(key, p.score);
      if (!shown(p)) continue;
      edges.set(key, p);
      const other = p.a_pk === pk ? p.b_pk : p.a_pk;
      if (!nodes.has(other)) queue.push(other);
    }
  }
  const previous = previousGroups(db, { groupIds: oldGroups });
  for (const g of oldGroups) graph.deleteGroup(g);
  if (edges.size === 0) return;
  const list = [...edges.values()].map((p) => ({
    a: p.a_pk,
    b: p.b_pk,
    probability: p.score,
    flags: p.flags,
  }));
  const { groups } = formGroups(list, settings.reviewThreshold, settings.threshold, (i, j) => {
    return stored.get(`${Math.min(i, j)}:${Math.max(i, j)}`) ?? 0;
  });
  const memberPks = [...new Set(groups.flatMap((g) => g.members))];
  const records = new Map<number, CachedRecord>();
  const features = new Map<number, Features>();
  const reused = known ? memberPks.filter((pk) => known.has(pk)) : [];
  const gone = vanishedContacts(db, reused);
  for (const pk of reused) {
    if (gone.has(pk)) continue;
    records.set(pk, known!.get(pk)!.record);
    features.set(pk, known!.get(pk)!.features);
  }
  const region = settings.phoneRegion as CountryCode;
  const pool = new FeatureMemo();
  for (const r of loadRecordsByPk(
    db,
    memberPks.filter((pk) => !known?.has(pk)),
  )) {
    records.set(r.pk, r);
    features.set(r.pk, extractFeatures(r, region, pool));
  }
  const rows: GroupRow[] = [];
  for (const g of groups) {
    const members = g.members
      .map((pk) => records.get(pk))
      .filter((r): r is CachedRecord => Boolean(r))
      .map(groupMemberOf);
    if (members.length < 2) continue;
    const sorted = [...g.edges].sort((x, y) => y.probability - x.probability);
    const doubt =
      g.lane === 'maybe_two_people'
        ? (sorted.find((e) => e.flags & IDENTITY_CONFLICT) ?? sorted[sorted.length - 1]!)
        : sorted[0]!;
    const fa = features.get(doubt.a);
    const fb = features.get(doubt.b);
    let reason = g.reason;
    if (fa && fb) {
      const levels = new Int8Array(FIELDS.length);
      const s = model
        ? scorePair(fa, fb, model, settings, levels)
        : { swapped: (doubt.flags & SWAPPED) !== 0 };
      if (!model) levels.fill(-1);
      reason = reasonFor(fa, fb, levels, s.swapped);
    }
    reason += alsoBelongsNote(g.alsoBelongsTo, (pk) => features.get(pk));
    rows.push({
      connectionId,
      members,
      lane: g.lane,
      score: g.score,
      reason,
      edges: g.edges.length,
    });
  }
  insertGroups(db, rows, now, previous);
}

/** The model of the last scan of a connection, for re-grouping after a decision. */
export function modelFor(db: Db, connectionId: string): Model | null {
  const run = lastRun(db, connectionId);
  return run ? storedModel(db, connectionId, run.model) : null;
}

export { lastRun, type LastRun };
