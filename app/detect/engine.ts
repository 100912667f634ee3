import type { CountryCode } from 'libphonenumber-js/min';
import { extractFeatures, FeatureMemo } from './features';
import { generateCandidates, type RuleReport } from './blocking';
import { buildModel, contributions, scorePair, type Model } from './model';
import { cluster, type Edge } from './cluster';
import { laneOf, pairFlags, reasonFor, SHARES_IDENTIFIER, IDENTITY_CONFLICT, SWAPPED } from './lanes';
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
}

export interface DetectStats {
  readonly records: number;
  readonly comparisons: number;
  readonly keptPairs: number;
  readonly rules: RuleReport[];
  readonly cutBridges: number;
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
  /** Each blocking rule's keys as they are computed (see `BlockOptions.onKeys`). */
  readonly onKeys?: (keys: Float64Array, records: Int32Array) => void;
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
  const model = buildModel(features);
  lap('model');
  options.onProgress?.('blocking', 0, null);
  const candidates = generateCandidates(features, {
    maxBlockSize: settings.maxBlockSize,
    linkage: options.linkage ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onKeys ? { onKeys: options.onKeys } : {}),
  });
  lap('blocking');
  const n = features.length;
  const keepFrom = Math.min(options.keepFrom ?? settings.reviewThreshold, settings.reviewThreshold);
  const pairs: ScoredPair[] = [];
  const levels = new Int8Array(FIELDS.length);
  const total = candidates.pairs.length;
  for (let p = 0; p < total; p++) {
    if ((p & 0x3ffff) === 0x3ffff) {
      options.signal?.throwIfAborted();
      options.onProgress?.('scoring', p, total);
    }
    const packed = candidates.pairs[p]!;
    const i = Math.floor(packed / n);
    const j = packed - i * n;
    const a = features[i]!;
    const b = features[j]!;
    const s = scorePair(a, b, model, settings, levels);
    const sharesId = levels[3] === 0 || levels[4] === 0;
    if (s.probability < keepFrom && !sharesId) continue;
    if (options.isExcluded?.(a, b)) continue;
    pairs.push({
      a: i,
      b: j,
      probability: s.probability,
      weight: s.weight,
      flags: pairFlags(a, b, levels, s.swapped),
      rule: candidates.rules[p]!,
      levels: levels.slice(),
    });
  }
  lap('scoring');
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
      keptPairs: pairs.length,
      rules: candidates.report,
      cutBridges: groups.cut,
      millis,
    },
  };
}

/**
 * Groups pairs shown to a reviewer: pairs at or above `reviewThreshold`, and pairs sharing an email or phone
 * whatever their score (two people on one address are exactly what the "maybe two people" lane is for).
 */
export function formGroups<P extends Edge & { flags: number }>(
  pairs: readonly P[],
  reviewThreshold: number,
  threshold: number,
  score: (i: number, j: number) => number,
  sharesIdentifier: (p: P) => boolean = (p) => (p.flags & SHARES_IDENTIFIER) !== 0,
): { groups: (DetectedGroup & { edges: P[] })[]; cut: number } {
  const shown = pairs.filter((p) => p.probability >= reviewThreshold || sharesIdentifier(p));
  const { clusters, cutBridges } = cluster(shown, {
    score,
    corroborateAt: reviewThreshold,
    strongEdge: 0.999,
  });
  const groups = clusters.map((c) => {
    const edges = c.edges as P[];
    return {
      members: c.members,
      lane: laneOf(edges, threshold),
      score: spanningScore(c.members, edges),
      reason: '',
      edges: edges as unknown as ScoredPair[] & P[],
    };
  });
  return { groups, cut: cutBridges.length };
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
  return reasonFor(features[doubt.a]!, features[doubt.b]!, doubt.levels, (doubt.flags & SWAPPED) !== 0);
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
