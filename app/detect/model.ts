import { FIELDS, compareAll, exactValue, tfValues } from './compare';
import type { Contribution, Features } from './types';
import type { DetectSettings } from './settings';

/**
 * Fellegi–Sunter parameters. m (agreement given a match) are priors from the field specs; u (agreement by chance)
 * is estimated on each data set from random pairs, and the exact level of names, emails, phones, postcodes and
 * cities is replaced by the value's own frequency (a shared "Smith" says less than a shared "Linacre").
 */
/** A Map, or a lazy lookup into the stored table during an incremental re-scan. */
export interface TermCounts {
  get(value: string): number | undefined;
}

export interface Model {
  /** u[field][level] */
  readonly u: number[][];
  /** Counts of values per field for term-frequency adjustment; null for fields without it. */
  readonly tf: (TermCounts | null)[];
  readonly nonNull: number[];
  readonly n: number;
  /** log2 prior odds of a match for a random pair. */
  readonly prior: number;
}

/** Serialisable form (stored with the scan so an incremental re-scan scores with the same parameters). */
export interface ModelParams {
  readonly u: number[][];
  readonly nonNull: number[];
  readonly n: number;
  readonly prior: number;
}

const MAX_FIELD_WEIGHT = 14;
const MIN_FIELD_WEIGHT = -8;
/** Expected true matches per record in a typical contact list; sets the prior with the list size. */
const MATCHES_PER_RECORD = 1;
/** Weight of the prior u0 in pseudo-pairs (and in pseudo-records for term frequencies). */
const PSEUDO = 200;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildModel(features: readonly Features[], samplePairs = 12_000): Model {
  const n = features.length;
  const counting = FIELDS.map((f) => (f.tf ? new Map<string, number>() : null));
  const tf: (Map<string, number> | null)[] = counting;
  const nonNull = FIELDS.map(() => 0);
  const add = (k: number, v: string) => {
    if (!v) return;
    const map = tf[k]!;
    nonNull[k]! += 1;
    map.set(v, (map.get(v) ?? 0) + 1);
  };
  const addAll = (k: number, values: readonly string[]) => {
    if (values.length === 0) return;
    const map = tf[k]!;
    nonNull[k]! += 1;
    for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  };
  // The fields of `tfValues`, read directly: a million records would otherwise allocate a list per field.
  const single = FIELDS.flatMap((spec, k) => (spec.tf && k !== 3 && k !== 4 ? [k] : []));
  for (const f of features) {
    for (const k of single) add(k, singleValue(k, f));
    if (tf[3]) addAll(3, f.emails);
    if (tf[4]) addAll(4, f.phones);
  }
  const counts = FIELDS.map((f) => new Array<number>(f.levels.length).fill(0));
  const seen = FIELDS.map(() => 0);
  const levels = new Int8Array(FIELDS.length);
  const random = rng(0x5eed);
  const samples = n < 2 ? 0 : Math.min(samplePairs, (n * (n - 1)) / 2);
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(random() * n);
    let j = Math.floor(random() * (n - 1));
    if (j >= i) j += 1;
    compareAll(features[i]!, features[j]!, levels);
    for (let k = 0; k < FIELDS.length; k++) {
      const l = levels[k]!;
      if (l < 0) continue;
      counts[k]![l]! += 1;
      seen[k]! += 1;
    }
  }
  // Blended with the prior u0 as PSEUDO pseudo-observations, with a floor so a level never seen at random still
  // gets a finite, large weight.
  const u = FIELDS.map((f, k) =>
    f.levels.map((_, l) => {
      const total = seen[k]!;
      const est = (counts[k]![l]! + PSEUDO * f.u0[l]!) / (total + PSEUDO);
      return l === f.levels.length - 1 ? Math.max(0.5, est) : Math.max(1e-6, est);
    }),
  );
  const prior = Math.log2(MATCHES_PER_RECORD / Math.max(1, n - 1));
  return { u, tf, nonNull, n, prior };
}

function singleValue(k: number, f: Features): string {
  switch (k) {
    case 0:
      return f.given;
    case 1:
      return f.family;
    case 5:
      return f.postcode;
    case 7:
      return f.locality;
    default:
      return tfValues(k, f)[0] ?? '';
  }
}

export function modelParams(model: Model): ModelParams {
  return { u: model.u, nonNull: model.nonNull, n: model.n, prior: model.prior };
}

export function restoreModel(params: ModelParams, tf: (TermCounts | null)[]): Model {
  return { ...params, tf };
}

export interface PairScore {
  readonly probability: number;
  readonly weight: number;
  readonly levels: Int8Array;
  readonly swapped: boolean;
}

/** log2(m/u) clipped, per field and level, before term-frequency adjustment: computed once per model. */
const baseWeights = new WeakMap<Model, number[][]>();

function baseWeight(model: Model, k: number, level: number): number {
  let table = baseWeights.get(model);
  if (!table) {
    table = FIELDS.map((spec, f) =>
      spec.levels.map((_, l) => {
        const w = Math.log2(spec.m[l]! / model.u[f]![l]!);
        return Math.max(MIN_FIELD_WEIGHT, Math.min(MAX_FIELD_WEIGHT, w));
      }),
    );
    baseWeights.set(model, table);
  }
  return table[k]![level]!;
}

function fieldWeight(model: Model, k: number, level: number, a: Features, b: Features): number {
  const spec = FIELDS[k]!;
  if (level !== 0 || !spec.tf) return baseWeight(model, k, level);
  const m = spec.m[level]!;
  let u = model.u[k]![level]!;
  const map = model.tf[k];
  const value = exactValue(k, a, b);
  const count = map && value ? (map.get(value) ?? 2) : 0;
  const nn = model.nonNull[k]!;
  if (count > 0 && nn > 0) u = (Math.max(count, 2) + PSEUDO * spec.u0[0]!) / (nn + PSEUDO);
  const w = Math.log2(m / u);
  return Math.max(MIN_FIELD_WEIGHT, Math.min(MAX_FIELD_WEIGHT, w));
}

const WEIGHT_KEYS = FIELDS.map((f) => f.name);

export function scorePair(
  a: Features,
  b: Features,
  model: Model,
  settings: DetectSettings,
  levels = new Int8Array(FIELDS.length),
): PairScore {
  const swapped = compareAll(a, b, levels);
  if (!settings.nicknames && levels[0] === 1) levels[0] = 5;
  let weight = model.prior;
  for (let k = 0; k < FIELDS.length; k++) {
    const l = levels[k]!;
    if (l < 0) continue;
    const mult = settings.fieldWeights[WEIGHT_KEYS[k]!];
    if (mult === 0) continue;
    weight += mult * fieldWeight(model, k, l, a, b);
  }
  return { probability: toProbability(weight), weight, levels, swapped };
}

export function toProbability(weight: number): number {
  const odds = Math.pow(2, weight);
  return odds / (1 + odds);
}

export function contributions(
  a: Features,
  b: Features,
  model: Model,
  settings: DetectSettings,
  levels: Int8Array,
): Contribution[] {
  const out: Contribution[] = [];
  for (let k = 0; k < FIELDS.length; k++) {
    const l = levels[k]!;
    if (l < 0) continue;
    const spec = FIELDS[k]!;
    const mult = settings.fieldWeights[spec.name];
    out.push({
      field: spec.name,
      level: spec.levels[l]!,
      weight: Math.round(mult * fieldWeight(model, k, l, a, b) * 100) / 100,
    });
  }
  return out;
}

/** Each field's weight for the given levels (0 for a missing field), in FIELDS order. */
export function fieldWeights(
  a: Features,
  b: Features,
  model: Model,
  settings: DetectSettings,
  levels: Int8Array,
): number[] {
  return FIELDS.map((spec, k) => {
    const l = levels[k]!;
    return l < 0 ? 0 : settings.fieldWeights[spec.name] * fieldWeight(model, k, l, a, b);
  });
}
