import { FIELDS } from './compare';
import { pairFlags } from './lanes';
import { scorePair, type Model } from './model';
import type { DetectSettings } from './settings';
import type { Features } from './types';

/**
 * Scored candidate pairs in columns (typed arrays): what a scoring thread hands back, and what the kept pairs are
 * read from. A pair is kept from `keepFrom`, or whatever its score when it shares an identifier.
 */
export interface ScoredColumns {
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly probability: Float64Array;
  readonly weight: Float64Array;
  readonly flags: Int32Array;
  readonly rule: Uint8Array;
  /** FIELDS.length comparison levels per pair. */
  readonly levels: Int8Array;
}

export interface ScoringSetup {
  readonly features: readonly Features[];
  readonly model: Model;
  readonly settings: DetectSettings;
  readonly keepFrom: number;
}

/** Scores candidates `from` to `to` (packed i * n + j, with the rule that found each). */
export function scoreRange(
  setup: ScoringSetup,
  pairs: Float64Array,
  rules: Uint8Array,
  from: number,
  to: number,
): ScoredColumns {
  const { features, model, settings, keepFrom } = setup;
  const n = features.length;
  const width = FIELDS.length;
  const span = to - from;
  // Sized for every candidate kept, trimmed at the end: most candidates of a contact list are kept.
  const a = new Int32Array(span);
  const b = new Int32Array(span);
  const probability = new Float64Array(span);
  const weight = new Float64Array(span);
  const flags = new Int32Array(span);
  const rule = new Uint8Array(span);
  const levels = new Int8Array(span * width);
  const scratch = new Int8Array(width);
  let kept = 0;
  for (let p = from; p < to; p++) {
    const packed = pairs[p]!;
    const i = Math.floor(packed / n);
    const j = packed - i * n;
    const fa = features[i]!;
    const fb = features[j]!;
    const s = scorePair(fa, fb, model, settings, scratch);
    if (s.probability < keepFrom && !s.identifier) continue;
    a[kept] = i;
    b[kept] = j;
    probability[kept] = s.probability;
    weight[kept] = s.weight;
    flags[kept] = pairFlags(fa, fb, scratch, s.swapped, s);
    rule[kept] = rules[p]!;
    levels.set(scratch, kept * width);
    kept++;
  }
  return {
    count: kept,
    a: a.slice(0, kept),
    b: b.slice(0, kept),
    probability: probability.slice(0, kept),
    weight: weight.slice(0, kept),
    flags: flags.slice(0, kept),
    rule: rule.slice(0, kept),
    levels: levels.slice(0, kept * width),
  };
}

/** The typed arrays of `columns`, for a transfer list. */
export function columnBuffers(columns: ScoredColumns): ArrayBuffer[] {
  return [
    columns.a,
    columns.b,
    columns.probability,
    columns.weight,
    columns.flags,
    columns.rule,
    columns.levels,
  ].map((v) => v.buffer as ArrayBuffer);
}
