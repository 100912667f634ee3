import type { CountryCode } from 'libphonenumber-js/min';
import type { Db } from '../store/database';
import { AppError } from '../domain/errors';
import { BLOCKING_RULES, BLOCKING_VERSION, hash32, keysReported, type RuleReport } from './blocking';
import {
  detectFeatures,
  shownToReviewer,
  type CancelToken,
  type DetectedGroup,
  type ScoredPair,
} from './engine';
import { extractFeatures, FeatureMemo } from './features';
import { fieldWeights, modelParams, type Model } from './model';
import {
  pairColumns,
  ScanOutput,
  type GroupBatch,
  type OutputEnd,
  type OutputStart,
  type PairBatch,
} from './scan-output';
import { SCAN_WRITER_WHEN, startScanWriter } from './scan-writer';
import type { DetectSettings } from './settings';
import type { Features, Lane } from './types';
import { abandonRuns, beginFullScan, completedRunCount, insertKeys, termCountTable } from './scan-store';
import { connectionIds, encodeContributions, openGroupTally, loadExclusions, pairKey } from './store';
import { visitRecords } from './record-reads';
import { connectionContactCount } from '../store/contacts-reads';

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
export const KEEP_FROM = 0.05;
const KEY_CHUNK = 250_000;
/**
 * Contacts read per statement. Small, so a chunk's raw rows die young: at 50k they outlived young-generation
 * collections and were copied and promoted with the features (1M load: scavenges 3.6–3.8 s → 1.8 s, wall
 * 21.2–22.9 s → 17.0–18.2 s under --trace-gc).
 */
const LOAD_CHUNK = 5_000;

const keyInt = (rule: number, value: string): number => rule * 4294967296 + hash32(value);

export function keysOf(f: Features): number[] {
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
  const runIds = beginFullScan(db, connections, options.now());
  try {
    for (const connectionId of connections) {
      const scanned = scanConnection(
        db,
        connectionId,
        runIds.get(connectionId)!,
        connections.length === 1,
        options,
      );
      contacts += scanned.contacts;
      comparisons += scanned.comparisons;
      pairs += scanned.pairs;
      rules = scanned.rules;
    }
  } catch (error) {
    const cancelled = error instanceof AppError && error.code === 'CANCELLED';
    try {
      abandonRuns(db, runIds.values(), cancelled ? 'cancelled' : 'failed', options.now());
    } catch {
      // Left running, which a re-scan reads the same way: the keys are not the last completed run's.
    }
    throw error;
  }
  return {
    mode: 'full',
    contacts,
    changed: contacts,
    comparisons,
    pairs,
    ...openGroupTally(db),
    rules,
    millis: Math.round(performance.now() - t0),
  };
}

/**
 * One connection's part of a full scan, completing its run (`runId`) in the output transaction. `only`: the
 * workspace has no other connection, so its stored pairs are all this connection's.
 */
function scanConnection(
  db: Db,
  connectionId: string,
  runId: number,
  only: boolean,
  options: ScanOptions,
): { contacts: number; comparisons: number; pairs: number; rules: RuleReport[] } {
  options.onProgress?.('loading', 0, null);
  // Read in pk chunks and keep only the normalised features: a million raw records would not fit the budget.
  const total = connectionContactCount(db, connectionId) ?? 0;
  // Started before the load, so the thread is ready when blocking hands over the first keys.
  const writer = total >= SCAN_WRITER_WHEN ? startScanWriter(db, { connectionId, only }) : null;
  // Without a writer thread the same output is written here, as the scan hands it over.
  const here = writer ? null : new ScanOutput(db, connectionId, only);
  const output: Pick<ScanOutput, 'keys' | 'terms' | 'pairs' | 'begin'> = writer ?? here!;
  try {
    const exclusions = loadExclusions(db, connectionId);
    const region = options.settings.phoneRegion as CountryCode;
    const features: Features[] = [];
    const pks: number[] = [];
    let watermark: string | null = null;
    const pool = new FeatureMemo();
    options.signal?.throwIfAborted();
    visitRecords(
      db,
      connectionId,
      LOAD_CHUNK,
      (r) => {
        features.push(extractFeatures(r, region, pool));
        pks.push(r.pk);
        if (r.updatedAt && (!watermark || r.updatedAt > watermark)) watermark = r.updatedAt;
      },
      () => {
        options.signal?.throwIfAborted();
        options.onProgress?.('normalising', features.length, total);
      },
    );
    let model: Model | null = null;
    const batchOf = (pairs: readonly ScoredPair[]) =>
      pairBatch(pairs, pks, features, model!, options.settings);
    const keysAsBlocked = keysReported(features.length);
    const start = (): OutputStart => ({
      readPks: Float64Array.from(pks),
      lastReadId: features[features.length - 1]?.id,
    });
    const result = detectFeatures(features, {
      settings: options.settings,
      keepFrom: KEEP_FROM,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(exclusions.size ? { isExcluded: (a, b) => exclusions.has(pairKey(a.id, b.id)) } : {}),
      // The keys blocking computes are stored as they come (sorted per rule), not computed again afterwards.
      // A key of a contact removed meanwhile is left in: match_keys has no foreign key, and a stale key costs a
      // re-scan one extra lookup (as it does for every contact removed after a scan).
      onKeys: (keys, records) => {
        const keyPks = new Float64Array(records.length);
        for (let t = 0; t < records.length; t++) keyPks[t] = pks[records[t]!]!;
        output.keys(keys, keyPks);
      },
      onModel: (built) => {
        model = built;
        output.terms(termCountTable(built));
      },
      onPairs: (pairs) => output.pairs(batchOf(pairs)),
      afterScoring: () => {
        options.signal?.throwIfAborted();
        // Lists of 2^20 contacts or more have no keys handed over during blocking: they are stored here, in
        // short transactions so other writers (a sync) are never held up for long, before the output's.
        if (!keysAsBlocked) storeKeysOf(db, features, pks, options);
        options.onProgress?.('saving pairs', 0, null);
        output.begin(start());
      },
    });
    options.signal?.throwIfAborted();
    options.onProgress?.('saving groups', 0, null);
    const now = options.now();
    const end = (): OutputEnd => ({
      groups: groupBatch(result.groups, pks),
      run: {
        connectionId,
        kind: 'full',
        startedAt: now,
        finishedAt: options.now(),
        model: modelParams(result.model),
        watermark,
        maxPk: pks.length ? pks[pks.length - 1]! : 0,
        blocking: BLOCKING_VERSION,
        stats: result.stats,
      },
      runId,
      now,
    });
    const stored = writer ? writer.finish(end()) : null;
    if (here) here.finish(end());
    // What a failed writer left undone (what it stored stays; a key stored twice is skipped).
    if (stored && keysAsBlocked && !stored.keys) storeKeysOf(db, features, pks, options);
    if (stored && !stored.output) {
      const again = new ScanOutput(db, connectionId, only);
      try {
        again.terms(termCountTable(result.model));
        for (let at = 0; at < result.pairs.length; at += PAIR_BATCH)
          again.pairs(batchOf(result.pairs.slice(at, at + PAIR_BATCH)));
        again.begin(start());
        again.finish(end());
      } finally {
        again.abandon();
      }
    }
    return {
      contacts: total,
      comparisons: result.stats.comparisons,
      pairs: result.pairs.length,
      rules: result.stats.rules,
    };
  } finally {
    writer?.stop();
    here?.abandon();
  }
}

const PAIR_BATCH = 8_192;

/** Every record's keys, computed again, in transactions of `KEY_CHUNK` records. */
function storeKeysOf(
  db: Db,
  features: readonly Features[],
  pks: readonly number[],
  options: ScanOptions,
): void {
  for (let start = 0; start < features.length; start += KEY_CHUNK) {
    const end = Math.min(features.length, start + KEY_CHUNK);
    db.transaction(() => {
      insertKeys(
        db,
        (function* () {
          for (let i = start; i < end; i++) for (const k of keysOf(features[i]!)) yield [k, pks[i]!] as const;
        })(),
      );
    })();
    options.onProgress?.('saving keys', end, features.length);
  }
}

/** Kept pairs as they are stored (see `PairBatch`). */
function pairBatch(
  pairs: readonly ScoredPair[],
  pks: readonly number[],
  features: readonly Features[],
  model: Model,
  settings: DetectSettings,
): PairBatch {
  const n = pairs.length;
  const batch = pairColumns(n);
  const shown: number[] = [];
  for (let k = 0; k < n; k++) {
    const p = pairs[k]!;
    const a = pks[p.a]!;
    const b = pks[p.b]!;
    batch.aPk[k] = Math.min(a, b);
    batch.bPk[k] = Math.max(a, b);
    batch.score[k] = Math.round(p.probability * 1e6) / 1e6;
    batch.weight[k] = Math.round(p.weight * 100) / 100;
    batch.flags[k] = p.flags;
    batch.rule[k] = p.rule;
    batch.contributions[k] = encodeContributions(
      p.levels,
      fieldWeights(features[p.a]!, features[p.b]!, model, settings, p.levels),
    );
    if (shownToReviewer(p, settings.reviewThreshold)) shown.push(a, b);
  }
  return { ...batch, shownPks: Float64Array.from(shown) };
}

function groupBatch(groups: readonly DetectedGroup[], pks: readonly number[]): GroupBatch {
  const sizes = new Int32Array(groups.length);
  let members = 0;
  groups.forEach((g, i) => {
    sizes[i] = g.members.length;
    members += g.members.length;
  });
  const memberPks = new Float64Array(members);
  let at = 0;
  for (const g of groups) for (const m of g.members) memberPks[at++] = pks[m]!;
  return {
    memberPks,
    sizes,
    lanes: groups.map((g) => g.lane),
    scores: Float64Array.from(groups, (g) => g.score),
    reasons: groups.map((g) => g.reason),
    edges: Int32Array.from(groups, (g) => g.edges.length),
  };
}

export function assertScanned(db: Db): void {
  if (!completedRunCount(db)) throw new AppError('NOT_FOUND', 'No scan has run yet: start a scan first.');
}

export type { ScoredPair };
