import type { CountryCode } from 'libphonenumber-js/min';
import type { Db } from '../store/database';
import { AppError } from '../domain/errors';
import { BLOCKING_RULES, BLOCKING_VERSION, hash32, keysReported, type RuleReport } from './blocking';
import { detectFeatures, type CancelToken, type ScoredPair } from './engine';
import { extractFeatures, FeatureMemo } from './features';
import { KEY_WRITER_WHEN, startKeyWriter } from './key-writer';
import { fieldWeights, modelParams } from './model';
import type { DetectSettings } from './settings';
import type { Features, Lane } from './types';
import {
  abandonRuns,
  beginFullScan,
  completedRunCount,
  insertKeys,
  recordRun,
  saveTermFrequencies,
} from './scan-store';
import {
  connectionIds,
  encodeContributions,
  openGroupTally,
  saveGroups,
  savePairs,
  loadExclusions,
  pairKey,
  pairRows,
  previousGroups,
  type GroupRow,
} from './store';
import { loadGroupMembers, visitRecords, type GroupMember } from './record-reads';
import { connectionContactCount, vanishedSinceRead } from '../store/contacts-reads';

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
  const writer = total >= KEY_WRITER_WHEN && keysReported(total) ? startKeyWriter(db) : null;
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
        if (writer) {
          const keyPks = new Float64Array(records.length);
          for (let t = 0; t < records.length; t++) keyPks[t] = pks[records[t]!]!;
          writer.write(keys, keyPks);
          return;
        }
        db.transaction(() => {
          insertKeys(
            db,
            (function* () {
              for (let t = 0; t < keys.length; t++) yield [keys[t]!, pks[records[t]!]!] as const;
            })(),
          );
        })();
      },
    });
    options.signal?.throwIfAborted();
    // Read while the writer thread stores the keys: what the stored groups keep of their members.
    const maxPk = pks.length ? pks[pks.length - 1]! : 0;
    const grouped = new Map(
      loadGroupMembers(
        db,
        result.groups.flatMap((g) => g.members.map((i) => pks[i]!)),
      ).map((m) => [m.pk, m]),
    );
    // Built as they are written, not held: a million contacts' 220k pair rows are ~90 MB.
    const rows = (gone: ReadonlySet<number>) =>
      pairRows(
        gone.size ? result.pairs.filter((p) => !gone.has(pks[p.a]!) && !gone.has(pks[p.b]!)) : result.pairs,
        pks,
        (p) =>
          encodeContributions(
            p.levels,
            fieldWeights(features[p.a]!, features[p.b]!, result.model, options.settings, p.levels),
          ),
        (r) => BLOCKING_RULES[r]?.name ?? '',
      );
    options.onProgress?.('saving keys', 0, features.length);
    // Lists of up to 2^20 contacts had their keys stored during blocking; otherwise (or when the writer thread
    // failed part-way: what it stored stays, repeats are skipped) they are stored here, in short transactions
    // so other writers (a sync) are never held up for long.
    const keysStored = keysReported(features.length) && (writer ? writer.finish() : true);
    for (let start = 0; !keysStored && start < features.length; start += KEY_CHUNK) {
      const end = Math.min(features.length, start + KEY_CHUNK);
      db.transaction(() => {
        insertKeys(
          db,
          (function* () {
            for (let i = start; i < end; i++)
              for (const k of keysOf(features[i]!)) yield [k, pks[i]!] as const;
          })(),
        );
      })();
      options.onProgress?.('saving keys', end, features.length);
    }
    options.onProgress?.('saving groups', 0, null);
    const now = options.now();
    db.transaction(() => {
      const previous = previousGroups(db, { connectionId });
      const gone = vanishedSinceRead(db, connectionId, pks, features[features.length - 1]?.id);
      const kept = (i: number) => !gone.has(pks[i]!);
      savePairs(db, only ? null : connectionId, rows(gone));
      saveGroups(
        db,
        connectionId,
        result.groups
          .map((g) => ({ g, members: gone.size ? g.members.filter(kept) : g.members }))
          .filter(({ members }) => members.length >= 2)
          .map(({ g, members }): GroupRow => ({
            connectionId,
            members: members.map((i) => grouped.get(pks[i]!)).filter((m): m is GroupMember => Boolean(m)),
            lane: g.lane,
            score: g.score,
            reason: g.reason,
            edges: g.edges.length,
          })),
        now,
        previous,
      );
      saveTermFrequencies(db, connectionId, result.model);
      recordRun(
        db,
        {
          connectionId,
          kind: 'full',
          startedAt: now,
          finishedAt: options.now(),
          model: modelParams(result.model),
          watermark,
          maxPk,
          blocking: BLOCKING_VERSION,
          stats: result.stats,
        },
        runId,
      );
    })();
    return {
      contacts: total,
      comparisons: result.stats.comparisons,
      pairs: result.pairs.length,
      rules: result.stats.rules,
    };
  } finally {
    writer?.stop();
  }
}

export function assertScanned(db: Db): void {
  if (!completedRunCount(db)) throw new AppError('NOT_FOUND', 'No scan has run yet: start a scan first.');
}

export type { ScoredPair };
