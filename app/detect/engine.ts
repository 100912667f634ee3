import type { CountryCode } from 'libphonenumber-js/min';
import { extractFeatures, FeatureMemo } from './features';
import { generateCandidates, type Candidates, type RuleReport } from './blocking';
import { buildModel, contributions, scorePair, type Model } from './model';
import { cluster, type Edge } from './cluster';
import type { Calibration } from './calibration';
import { scoreCandidates, startScoringHelper, type ScoringHelper } from './scoring-threads';
import { laneOf, reasonFor, SHARES_IDENTIFIER, IDENTITY_CONFLICT, SWAPPED } from './lanes';
import { FIELDS } from './compare';
import type { DetectSettings } from './settings';
import type { Contribution, DetectRecord, Features, Lane } from './types';

export interface ScoredPair extends Edge {
  readonly weight: number;
  readonly flags: number;
  readonly rule: number;
  readonly levels: Int8Array;
}

export interface DetectedGroup {
  /** Record indexes, ascending. */
  readonly members: number[];
  readonly lane: Lane;
  /** Weakest link of the group's maximum spanning tree. */
  readonly score: number;
  readonly reason: string;
  readonly edges: ScoredPair[];
  /**
   * For a doubtful link shown as its own pair: the other members of the group(s) its records belong to ("may
   * also belong: …"). Empty for a group of records that belong together.
   */
  readonly alsoBelongsTo: number[];
}

export interface DetectStats {
  readonly records: number;
  readonly comparisons: number;
  readonly keptPairs: number;
  readonly rules: RuleReport[];
  readonly cutBridges: number;
  /** Threads that scored the candidates (a second one joins for large lists when a detect worker exists). */
  readonly scoringThreads: number;
  /** Steps the grouping took (see `cluster`): linear in the shown pairs. */
  readonly groupingWork: number;
  readonly millis: Record<string, number>;
}

export interface DetectResult {
  readonly features: Features[];
  readonly model: Model;
  readonly pairs: ScoredPair[];
  readonly groups: DetectedGroup[];
  readonly stats: DetectStats;
}

/** AbortSignal fits; a worker passes a flag backed by shared memory. */
export interface CancelToken {
  throwIfAborted(): void;
}

export interface DetectOptions {
  readonly settings: DetectSettings;
  readonly linkage?: boolean;
  readonly signal?: CancelToken;
  readonly onProgress?: (phase: string, done: number, total: number | null) => void;
  /** Pairs a person has ruled out ("not a duplicate"): never scored into a group. */
  readonly isExcluded?: (a: Features, b: Features) => boolean;
  /** Keep pairs from this probability (default: the review threshold) so a preview can lower it later. */
  readonly keepFrom?: number;
  /** Score calibration (default: the shipped table; null: the plain logistic of the raw weight, for fitting). */
  readonly calibration?: Calibration | null;
  /** Each blocking rule's keys as they are computed (see `BlockOptions.onKeys`). */
  readonly onKeys?: (keys: Float64Array, records: Int32Array) => void;
  /** The model, once built (before any pair is scored with it). */
  readonly onModel?: (model: Model) => void;
  /** Kept pairs (the ruled-out ones left out) a chunk of candidates at a time, as they are scored. */
  readonly onPairs?: (pairs: readonly ScoredPair[]) => void;
  /** Every pair is scored (and handed to `onPairs`); the groups are formed next. */
  readonly afterScoring?: () => void;
}

export function featuresOf(records: readonly DetectRecord[], region: string): Features[] {
  const pool = new FeatureMemo();
  return records.map((r) => extractFeatures(r, region as CountryCode, pool));
}

export function detect(records: readonly DetectRecord[], options: DetectOptions): DetectResult {
  const t0 = performance.now();
  const features: Features[] = [];
  const pool = new FeatureMemo();
  const region = options.settings.phoneRegion as CountryCode;
  const step = 20_000;
  for (let i = 0; i < records.length; i++) {
    features.push(extractFeatures(records[i]!, region, pool));
    if (i % step === step - 1) {
      options.signal?.throwIfAborted();
      options.onProgress?.('normalising', i + 1, records.length);
    }
  }
  return detectFeatures(features, options, { normalise: performance.now() - t0 });
}

export function detectFeatures(
  features: Features[],
  options: DetectOptions,
  millis: Record<string, number> = {},
): DetectResult {
  const { settings } = options;
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    millis[name] = Math.round(now - t);
    t = now;
  };
  const keepFrom = Math.min(options.keepFrom ?? settings.reviewThreshold, settings.reviewThreshold);
  // Blocking first: how many candidates it finds decides whether a second scoring thread pays for itself, and the
  // helper then starts and builds its copy of the model while this thread builds its own.
  options.onProgress?.('blocking', 0, null);
  const candidates = generateCandidates(features, {
    maxBlockSize: settings.maxBlockSize,
    linkage: options.linkage ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onKeys ? { onKeys: options.onKeys } : {}),
  });
  lap('blocking');
  const helper = startScoringHelper(features, candidates, {
    settings,
    keepFrom,
    calibration: options.calibration,
  });
  lap('helper start');
  try {
    return scoreAndGroup(features, candidates, options, keepFrom, helper, lap, millis);
  } finally {
    helper?.stop();
  }
}

function scoreAndGroup(
  features: Features[],
  candidates: Candidates,
  options: DetectOptions,
  keepFrom: number,
  helper: ScoringHelper | null,
  lap: (phase: string) => void,
  millis: Record<string, number>,
): DetectResult {
  const { settings } = options;
  const model =
    options.calibration === undefined
      ? buildModel(features)
      : buildModel(features, undefined, options.calibration);
  lap('model');
  options.onModel?.(model);
  const n = features.length;
  const total = candidates.pairs.length;
  const width = FIELDS.length;
  const chunkPairs: ScoredPair[][] = [];
  const scored = scoreCandidates(
    { features, model, settings, keepFrom },
    candidates.pairs,
    candidates.rules,
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (done, of) => options.onProgress?.('scoring', done, of),
      helper,
      onChunk: (chunk, c) => {
        const kept: ScoredPair[] = [];
        for (let k = 0; k < c.count; k++) {
          const i = c.a[k]!;
          const j = c.b[k]!;
          if (options.isExcluded?.(features[i]!, features[j]!)) continue;
          kept.push({
            a: i,
            b: j,
            probability: c.probability[k]!,
            weight: c.weight[k]!,
            flags: c.flags[k]!,
            rule: c.rule[k]!,
            levels: c.levels.subarray(k * width, (k + 1) * width),
          });
        }
        chunkPairs[chunk] = kept;
        options.onPairs?.(kept);
      },
    },
  );
  // In candidate order, whichever thread scored a chunk and whenever it came in.
  const pairs = chunkPairs.flat();
  lap('scoring');
  if (options.afterScoring) {
    options.afterScoring();
    lap('saving pairs');
  }
  const groups = formGroups(pairs, settings.reviewThreshold, settings.threshold, (i, j) => {
    const a = features[i]!;
    const b = features[j]!;
    if (options.isExcluded?.(a, b)) return 0;
    return scorePair(a, b, model, settings).probability;
  });
  for (const g of groups.groups) (g as { reason: string }).reason = groupReason(g, features);
  lap('grouping');
  return {
    features,
    model,
    pairs,
    groups: groups.groups,
    stats: {
      records: n,
      comparisons: total,
      scoringThreads: scored.helperChunks > 0 ? 2 : 1,
      keptPairs: pairs.length,
      rules: candidates.report,
      cutBridges: groups.cut,
      groupingWork: groups.work,
      millis,
    },
  };
}

/**
 * Groups pairs shown to a reviewer: pairs at or above `reviewThreshold`, and pairs sharing an email or phone
 * held by a handful of records whatever their score (two people on one address are exactly what the "maybe two
 * people" lane is for).
 *
 * Only pairs strong enough to merge (at or above `threshold`, no identity conflict) build a group, so a record
 * joins a group through evidence that would merge it, never through one weak link. Every other shown pair
 * between two records not in one group is its own `maybe_two_people` pair (one per pair of groups, the best
 * link), naming the group it may also belong to; it never drags that group's lane down. A group whose members
 * conflict with each other (Jr. and Sr. both tied to a third record) sends the member tied in most weakly out
 * as such a pair. Groups come first, then the doubtful pairs.
 */
export function formGroups<P extends Edge & { flags: number }>(
  pairs: readonly P[],
  reviewThreshold: number,
  threshold: number,
  score: (i: number, j: number) => number,
  sharesIdentifier: (p: P) => boolean = sharesIdentifierFlag,
): { groups: (DetectedGroup & { edges: P[] })[]; cut: number; work: number } {
  const shown = pairs.filter((p) => shownToReviewer(p, reviewThreshold, sharesIdentifier));
  const mergeable = shown.filter((p) => p.probability >= threshold && !(p.flags & IDENTITY_CONFLICT));
  const { clusters, cutBridges, work } = cluster(mergeable, {
    score,
    corroborateAt: reviewThreshold,
    strongEdge: 0.999,
  });
  const groupOf = new Map<number, number>();
  const cores: { members: number[]; edges: P[] }[] = [];
  const assign = (members: readonly number[], edges: P[]) => {
    const id = cores.length;
    cores.push({ members: [...members], edges });
    for (const m of members) groupOf.set(m, id);
  };
  for (const c of clusters) assign(c.members, c.edges as P[]);
  // Conflicts between members of one group (only possible through a third record): the member with the weaker
  // ties leaves, until none is left. Groups are at most a few dozen records, so this stays cheap.
  const internalConflicts = new Map<number, P[]>();
  for (const p of shown) {
    if (!(p.flags & IDENTITY_CONFLICT)) continue;
    const g = groupOf.get(p.a);
    if (g !== undefined && g === groupOf.get(p.b))
      (internalConflicts.get(g) ?? internalConflicts.set(g, []).get(g)!).push(p);
  }
  for (const [g, conflicts] of internalConflicts) {
    let core = cores[g]!;
    const out = new Set<number>();
    for (const p of conflicts) {
      if (out.has(p.a) || out.has(p.b)) continue;
      const tie = (m: number) =>
        core.edges.reduce((sum, e) => sum + (e.a === m || e.b === m ? e.probability : 0), 0);
      const leaving = tie(p.a) < tie(p.b) ? p.a : p.b;
      out.add(leaving);
      groupOf.delete(leaving);
      core = {
        members: core.members.filter((m) => m !== leaving),
        edges: core.edges.filter((e) => e.a !== leaving && e.b !== leaving),
      };
    }
    cores[g] = { members: [], edges: [] };
    for (const m of core.members) groupOf.delete(m);
    const parts = cluster(core.edges, { score, corroborateAt: reviewThreshold, strongEdge: 0.999 });
    for (const part of parts.clusters) assign(part.members, part.edges as P[]);
  }
  const groups: (DetectedGroup & { edges: P[] })[] = [];
  for (const c of cores) {
    if (c.members.length < 2) continue;
    groups.push({
      members: c.members,
      lane: laneOf(c.edges, threshold),
      score: spanningScore(c.members, c.edges),
      reason: '',
      edges: c.edges as unknown as ScoredPair[] & P[],
      alsoBelongsTo: [],
    });
  }
  // The best shown link between each two groups (or lone records) that stay apart.
  const unit = (m: number) => {
    const g = groupOf.get(m);
    return g === undefined ? -1 - m : g;
  };
  const links = new Map<string, P>();
  for (const p of shown) {
    const ua = unit(p.a);
    const ub = unit(p.b);
    if (ua === ub) continue;
    const key = ua < ub ? `${ua}:${ub}` : `${ub}:${ua}`;
    const best = links.get(key);
    if (!best || p.probability > best.probability) links.set(key, p);
  }
  for (const p of links.values()) {
    const also = new Set<number>();
    for (const m of [p.a, p.b]) {
      const g = groupOf.get(m);
      if (g !== undefined) for (const x of cores[g]!.members) if (x !== p.a && x !== p.b) also.add(x);
    }
    groups.push({
      members: p.a < p.b ? [p.a, p.b] : [p.b, p.a],
      lane: 'maybe_two_people',
      score: p.probability,
      reason: '',
      edges: [p] as unknown as ScoredPair[] & P[],
      alsoBelongsTo: [...also].sort((x, y) => x - y),
    });
  }
  return { groups, cut: cutBridges.length, work };
}

const sharesIdentifierFlag = (p: { flags: number }): boolean => (p.flags & SHARES_IDENTIFIER) !== 0;

/**
 * Whether a pair is shown to a reviewer: scored at or above the review threshold, or sharing an email or phone
 * held by a handful of records (by its flags unless told otherwise). Every member of a group `formGroups` forms
 * is in such a pair.
 */
export function shownToReviewer<P extends { probability: number; flags: number }>(
  p: P,
  reviewThreshold: number,
  sharesIdentifier: (p: P) => boolean = sharesIdentifierFlag,
): boolean {
  return p.probability >= reviewThreshold || sharesIdentifier(p);
}

/** Weakest edge of the maximum spanning tree: how strongly the least-connected member is tied in. */
function spanningScore(members: readonly number[], edges: readonly Edge[]): number {
  const parent = new Map<number, number>(members.map((m) => [m, m]));
  const find = (x: number): number => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  let min = 1;
  for (const e of [...edges].sort((x, y) => y.probability - x.probability)) {
    const ra = find(e.a);
    const rb = find(e.b);
    if (ra === rb) continue;
    parent.set(ra, rb);
    min = Math.min(min, e.probability);
  }
  return min;
}

function groupReason(g: DetectedGroup, features: readonly Features[]): string {
  const edges = [...g.edges].sort((x, y) => y.probability - x.probability);
  const best = edges[0]!;
  // In the "maybe two people" lane lead with the edge that raised the doubt.
  const doubt =
    g.lane === 'maybe_two_people'
      ? (edges.find((e) => e.flags & IDENTITY_CONFLICT) ?? edges[edges.length - 1]!)
      : best;
  const reason = reasonFor(
    features[doubt.a]!,
    features[doubt.b]!,
    doubt.levels,
    (doubt.flags & SWAPPED) !== 0,
  );
  return reason + alsoBelongsNote(g.alsoBelongsTo, (m) => features[m]);
}

/** "; may also belong with Julie Martin and 2 more": the group a doubtful pair's records are already in. */
export function alsoBelongsNote(
  alsoBelongsTo: readonly number[],
  featuresOf: (member: number) => Pick<Features, 'given' | 'family'> | undefined,
): string {
  if (alsoBelongsTo.length === 0) return '';
  const f = featuresOf(alsoBelongsTo[0]!);
  const name = f ? `${f.given} ${f.family}`.trim().replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : '';
  const who = name || 'another record';
  const more = alsoBelongsTo.length - 1;
  return `; may also belong with ${who}${more > 0 ? ` and ${more} more` : ''}`;
}

export function pairContributions(
  result: { features: readonly Features[]; model: Model },
  pair: ScoredPair,
  settings: DetectSettings,
): Contribution[] {
  return contributions(
    result.features[pair.a]!,
    result.features[pair.b]!,
    result.model,
    settings,
    pair.levels,
  );
}
