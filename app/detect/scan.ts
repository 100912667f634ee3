import type { CountryCode } from 'libphonenumber-js/min';
import type { Db } from '../store/database';
import { AppError } from '../domain/errors';
import { BLOCKING_RULES, blockNeighbours, hash32, keysReported, type RuleReport } from './blocking';
import { alsoBelongsNote, detectFeatures, formGroups, type CancelToken, type ScoredPair } from './engine';
import { extractFeatures, FeatureMemo } from './features';
import { FIELDS } from './compare';
import { fieldWeights, modelParams, restoreModel, scorePair, type Model, type ModelParams } from './model';
import { pairFlags, reasonFor, IDENTITY_CONFLICT, SHARES_IDENTIFIER, SWAPPED } from './lanes';
import type { DetectSettings } from './settings';
import type { Features, Lane } from './types';
import {
  bulkInsert,
  connectionIds,
  encodeContributions,
  groupGraph,
  insertGroups,
  insertPairs,
  openGroupCount,
  openLaneCounts,
  pairsOfContactRemover,
  recordChunks,
  saveGroups,
  savePairs,
  loadExclusions,
  loadRecordsByPk,
  pairKey,
  pairRows,
  previousGroups,
  type CachedRecord,
  type GroupRow,
  type StoredPair,
} from './store';
import {
  connectionContactCount,
  contactCount,
  contactsChangedSince,
  vanishedContacts,
  vanishedSinceRead,
} from '../store/contacts-reads';

export interface ScanProgress {
  (phase: string, done: number, total: number | null): void;
}

export interface ScanOptions {
  readonly settings: DetectSettings;
  readonly now: () => string;
  readonly signal?: CancelToken;
  readonly onProgress?: ScanProgress;
  /** The connection kinds that are CRMs (from the core's connectors); see `connectionIds` when absent. */
  readonly crmKinds?: readonly string[];
}

export interface ScanSummary {
  readonly mode: 'full' | 'incremental';
  readonly contacts: number;
  readonly changed: number;
  readonly comparisons: number;
  readonly pairs: number;
  readonly groups: number;
  readonly lanes: Record<Lane, number>;
  readonly rules: RuleReport[];
  readonly millis: number;
}

/** Pairs are kept from this probability (or the review threshold if lower) so a preview can lower the bar. */
const KEEP_FROM = 0.05;
const KEY_CHUNK = 250_000;
const LOAD_CHUNK = 50_000;

const keyInt = (rule: number, value: string): number => rule * 4294967296 + hash32(value);

function keysOf(f: Features): number[] {
  const out: number[] = [];
  BLOCKING_RULES.forEach((rule, r) => {
    for (const k of rule.keys(f)) out.push(keyInt(r, k));
  });
  return out;
}

/** Full scan of every CRM connection: re-keys, re-scores and re-groups everything. */
export function fullScan(db: Db, options: ScanOptions): ScanSummary {
  const t0 = performance.now();
  const connections = connectionIds(db, options.crmKinds);
  let contacts = 0;
  let comparisons = 0;
  let pairs = 0;
  let rules: RuleReport[] = [];
  // Keys reported by blocking arrive sorted by (key, pk) for a single connection: appending them to the index as
  // they come beats sorting them all again in CREATE INDEX. Otherwise the index is built after the bulk load.
  const keysArriveSorted = connections.length === 1 && keysReported(contactCount(db));
  db.exec(`${keysArriveSorted ? '' : 'DROP INDEX IF EXISTS match_keys_key; '}DELETE FROM match_keys;`);
  for (const connectionId of connections) {
    options.onProgress?.('loading', 0, null);
    // Read in pk chunks and keep only the normalised features: a million raw records would not fit the budget.
    const total = connectionContactCount(db, connectionId) ?? 0;
    contacts += total;
    const exclusions = loadExclusions(db, connectionId);
    const pool = new FeatureMemo();
    const region = options.settings.phoneRegion as CountryCode;
    const features: Features[] = [];
    const pks: number[] = [];
    let watermark: string | null = null;
    for (const chunk of recordChunks(db, connectionId, LOAD_CHUNK)) {
      options.signal?.throwIfAborted();
      for (const r of chunk) {
        features.push(extractFeatures(r, region, pool));
        pks.push(r.pk);
        if (r.updatedAt && (!watermark || r.updatedAt > watermark)) watermark = r.updatedAt;
      }
      options.onProgress?.('normalising', features.length, total);
    }
    const result = detectFeatures(features, {
      settings: options.settings,
      keepFrom: KEEP_FROM,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(exclusions.size ? { isExcluded: (a, b) => exclusions.has(pairKey(a.id, b.id)) } : {}),
      // The keys blocking computes are stored as they come (sorted per rule), not computed again afterwards.
      // A key of a contact removed meanwhile is left in: match_keys has no foreign key, and a stale key costs a
      // re-scan one extra lookup (as it does for every contact removed after a scan).
      onKeys: (keys, records) =>
        db.transaction(() => {
          bulkInsert(
            db,
            'match_keys',
            ['key', 'contact_pk'],
            (function* () {
              for (let t = 0; t < keys.length; t++) yield [keys[t]!, pks[records[t]!]!];
            })(),
          );
        })(),
    });
    options.signal?.throwIfAborted();
    comparisons += result.stats.comparisons;
    pairs += result.pairs.length;
    rules = result.stats.rules;
    options.onProgress?.('saving keys', 0, features.length);
    // Keys in their own short transactions: other writers (a sync) are never held up for long. (Lists of up to
    // 2^20 contacts had them stored during blocking.)
    for (let start = 0; !keysReported(features.length) && start < features.length; start += KEY_CHUNK) {
      const end = Math.min(features.length, start + KEY_CHUNK);
      db.transaction(() => {
        bulkInsert(
          db,
          'match_keys',
          ['key', 'contact_pk'],
          (function* () {
            for (let i = start; i < end; i++) for (const k of keysOf(features[i]!)) yield [k, pks[i]!];
          })(),
        );
      })();
      options.onProgress?.('saving keys', end, features.length);
    }
    options.onProgress?.('saving groups', 0, null);
    const now = options.now();
    const maxPk = pks.length ? pks[pks.length - 1]! : 0;
    const grouped = new Map(
      loadRecordsByPk(db, [...new Set(result.groups.flatMap((g) => g.members.map((i) => pks[i]!)))]).map(
        (r) => [r.pk, r],
      ),
    );
    db.transaction(() => {
      const previous = previousGroups(db, { connectionId });
      const gone = vanishedSinceRead(db, connectionId, pks, features[features.length - 1]?.id);
      const kept = (i: number) => !gone.has(pks[i]!);
      savePairs(
        db,
        connections.length === 1 ? null : connectionId,
        pairRows(
          gone.size ? result.pairs.filter((p) => kept(p.a) && kept(p.b)) : result.pairs,
          pks,
          (p) =>
            encodeContributions(
              p.levels,
              fieldWeights(features[p.a]!, features[p.b]!, result.model, options.settings, p.levels),
            ),
          (r) => BLOCKING_RULES[r]?.name ?? '',
        ),
      );
      saveGroups(
        db,
        connectionId,
        result.groups
          .map((g) => ({ g, members: gone.size ? g.members.filter(kept) : g.members }))
          .filter(({ members }) => members.length >= 2)
          .map(({ g, members }): GroupRow => ({
            connectionId,
            members: members.map((i) => grouped.get(pks[i]!)).filter((r): r is CachedRecord => Boolean(r)),
            memberFeatures: members.map((i) => features[i]!),
            lane: g.lane,
            score: g.score,
            reason: g.reason,
            edges: g.edges.length,
          })),
        now,
        previous,
      );
      saveTermFrequencies(db, connectionId, result.model);
      db.prepare(
        `INSERT INTO detect_runs (connection_id, kind, status, started_at, finished_at, model, watermark, max_pk, stats)
         VALUES (?, 'full', 'completed', ?, ?, ?, ?, ?, ?)`,
      ).run(
        connectionId,
        now,
        options.now(),
        JSON.stringify(modelParams(result.model)),
        watermark,
        maxPk,
        JSON.stringify({ ...result.stats, rules: result.stats.rules }),
      );
    })();
  }
  options.onProgress?.('indexing keys', 0, null);
  db.exec('CREATE INDEX IF NOT EXISTS match_keys_key ON match_keys (key, contact_pk)');
  return {
    mode: 'full',
    contacts,
    changed: contacts,
    comparisons,
    pairs,
    groups: openGroupCount(db),
    lanes: openLaneCounts(db),
    rules,
    millis: Math.round(performance.now() - t0),
  };
}

/** Stores the values seen at least twice per field, writing only the counts that changed. */
function saveTermFrequencies(db: Db, connectionId: string, model: Model): void {
  const stored = new Map<string, number>();
  for (const [field, value, count] of db
    .prepare('SELECT field, value, count FROM match_term_freq WHERE connection_id = ?')
    .raw()
    .all(connectionId) as [number, string, number][])
    stored.set(`${field}\u0000${value}`, count);
  // Streamed, not collected and sorted: a million-contact list has hundreds of thousands of values.
  bulkInsert(
    db,
    'match_term_freq',
    ['connection_id', 'field', 'value', 'count'],
    (function* () {
      for (let k = 0; k < model.tf.length; k++) {
        const map = model.tf[k];
        if (!(map instanceof Map)) continue;
        for (const [value, count] of map) {
          if (count < 2) continue;
          const key = `${k}\u0000${value}`;
          const old = stored.get(key);
          stored.delete(key);
          if (old !== count) yield [connectionId, k, value, count];
        }
      }
    })(),
    'OR REPLACE',
  );
  const remove = db.prepare(
    'DELETE FROM match_term_freq WHERE connection_id = ? AND field = ? AND value = ?',
  );
  for (const key of stored.keys()) {
    const cut = key.indexOf('\u0000');
    remove.run(connectionId, Number(key.slice(0, cut)), key.slice(cut + 1));
  }
}

export interface LastRun {
  model: ModelParams;
  watermark: string | null;
  maxPk: number;
}

export function lastRun(db: Db, connectionId: string): LastRun | null {
  const row = db
    .prepare(
      `SELECT model, watermark, max_pk FROM detect_runs WHERE connection_id = ? AND status = 'completed'
       AND model <> '{}' ORDER BY id DESC LIMIT 1`,
    )
    .get(connectionId) as { model: string; watermark: string | null; max_pk: number } | undefined;
  if (!row) return null;
  return { model: JSON.parse(row.model) as ModelParams, watermark: row.watermark, maxPk: row.max_pk };
}

/** The stored model with term frequencies looked up lazily (only values the re-scan compares are read). */
function storedModel(db: Db, connectionId: string, params: ModelParams): Model {
  const stmt = db
    .prepare('SELECT count FROM match_term_freq WHERE connection_id = ? AND field = ? AND value = ?')
    .pluck();
  const tf = FIELDS.map((f, k) => {
    if (!f.tf) return null;
    const cache = new Map<string, number | undefined>();
    return {
      get(value: string) {
        if (cache.has(value)) return cache.get(value);
        const count = (stmt.get(connectionId, k, value) as number | undefined) ?? 1;
        cache.set(value, count);
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
  if (runs.some((r) => r === null)) return fullScan(db, options);
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
    groups: openGroupCount(db),
    lanes: openLaneCounts(db),
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
  db.transaction(() => {
    const gone = vanishedContacts(
      db,
      changed.map((r) => r.pk),
    );
    bulkInsert(
      db,
      'match_keys',
      ['key', 'contact_pk'],
      (function* () {
        for (let i = 0; i < changed.length; i++) {
          if (gone.has(changed[i]!.pk)) continue;
          for (const k of changedKeys[i]!) yield [k, changed[i]!.pk];
        }
      })(),
      'OR IGNORE',
    );
  })();
  const cap = options.settings.maxBlockSize;
  const blocks = lookupBlocks(db, [...new Set(changedKeys.flat())], cap);
  const wanted = new Set<number>();
  for (let i = 0; i < changed.length; i++)
    for (const k of changedKeys[i]!)
      for (const pk of blocks.get(k) ?? []) if (!changedSet.has(pk)) wanted.add(pk);
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
      const members = (blocks.get(k) ?? []).filter((pk) => byPk.has(pk));
      if (!members.includes(own)) members.push(own);
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
    const removePairsOf = pairsOfContactRemover(db);
    for (const pk of changedPks) removePairsOf(pk);
    const gone = vanishedContacts(db, [...new Set(rows.flatMap((r) => [r[0] as number, r[1] as number]))]);
    const live = gone.size
      ? rows.filter((r) => !gone.has(r[0] as number) && !gone.has(r[1] as number))
      : rows;
    insertPairs(db, live);
    regroup(db, connectionId, changedPks, options.settings, model, options.now());
    db.prepare(
      `INSERT INTO detect_runs (connection_id, kind, status, started_at, finished_at, model, watermark, max_pk, stats)
         VALUES (?, 'incremental', 'completed', ?, ?, ?, ?, ?, ?)`,
    ).run(
      connectionId,
      options.now(),
      options.now(),
      JSON.stringify(run.model),
      maxString(run.watermark, changed),
      Math.max(run.maxPk, ...changedPks),
      JSON.stringify({ changed: changedPks.length, comparisons: seen.size, pairs: rows.length }),
    );
  })();
  return { comparisons, pairs: rows.length };
}

/**
 * Members of the blocks behind some keys, a few hundred keys per query; blocks above the cap (a shared office
 * number) are left out, as in a full scan.
 */
function lookupBlocks(db: Db, keys: readonly number[], cap: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i += 400) {
    const chunk = keys.slice(i, i + 400);
    const marks = chunk.map(() => '?').join(',');
    const counts = db
      .prepare(`SELECT key, count(*) FROM match_keys WHERE key IN (${marks}) GROUP BY key`)
      .raw()
      .all(...chunk) as [number, number][];
    const small = counts.filter(([, n]) => n <= cap).map(([k]) => k);
    if (small.length === 0) continue;
    const rows = db
      .prepare(`SELECT key, contact_pk FROM match_keys WHERE key IN (${small.map(() => '?').join(',')})`)
      .raw()
      .all(...small) as [number, number][];
    for (const [k, pk] of rows) {
      const members = out.get(k);
      if (members) members.push(pk);
      else out.set(k, [pk]);
    }
  }
  return out;
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
  const records = new Map(loadRecordsByPk(db, memberPks).map((r) => [r.pk, r]));
  const region = settings.phoneRegion as CountryCode;
  const pool = new FeatureMemo();
  const features = new Map([...records].map(([pk, r]) => [pk, extractFeatures(r, region, pool)]));
  const rows: GroupRow[] = [];
  for (const g of groups) {
    const members = g.members.map((pk) => records.get(pk)).filter((r): r is CachedRecord => Boolean(r));
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
      memberFeatures: members.map((m) => features.get(m.pk)!),
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

export function assertScanned(db: Db): void {
  const n = db.prepare(`SELECT count(*) FROM detect_runs WHERE status = 'completed'`).pluck().get() as number;
  if (!n) throw new AppError('NOT_FOUND', 'No scan has run yet: start a scan first.');
}

export type { ScoredPair };
