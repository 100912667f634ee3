import { FIELDS, compareAll, compareGiven, exactValue, tfValues } from './compare';
import { calibrate, type Calibration } from './calibration';
import { CALIBRATION } from './data/calibration';
import { identityConflicts } from './lanes';
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
  /**
   * Emails held by records of different given names (spouses on one mailbox, a family or role address): sharing
   * one is no sign of one person. Absent when the model was restored for an incremental re-scan.
   */
  readonly mailboxes?: ReadonlySet<string>;
  /** Raw weight and identity conflict → probability of one person; null: the plain logistic of the weight. */
  readonly calibration?: Calibration | null;
  /** How many records hold each street address and each company (hashed counts; absent when restored). */
  readonly shared?: Uint8Array;
  /** log2(m/u) clipped, per field and level (see `baseWeight`). */
  readonly weights?: readonly (readonly number[])[];
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

export function buildModel(
  features: readonly Features[],
  samplePairs = 12_000,
  calibration: Calibration | null = CALIBRATION,
): Model {
  const n = features.length;
  const nonNull = FIELDS.map(() => 0);
  const repeated: RepeatedEmails = { records: [], values: [] };
  const tf = countTerms(features, nonNull, repeated);
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
  const shared = new Uint8Array(SHARED_BUCKETS);
  for (const f of features) {
    if (f.street) bump(shared, addressKey(f));
    if (f.company) bump(shared, companyKey(f));
  }
  return {
    u,
    weights: weightTable(u),
    tf,
    nonNull,
    n,
    prior,
    mailboxes: sharedMailboxes(features, repeated, tf[3] ?? null),
    calibration,
    shared,
  };
}

/**
 * Counts of addresses and companies in one fixed table of 16M saturating byte counters: no per-value objects at
 * a million records; a collision only makes a value look a little more widely shared than it is.
 */
const SHARED_BUCKETS = 1 << 24;

function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) & (SHARED_BUCKETS - 1);
}
/** hash(`${f.streetNumber} ${f.street} ${f.postcode}`, 1), without the string. */
function addressKey(f: Features): number {
  let h = (0x811c9dc5 ^ 1) >>> 0;
  h = fnvOn(h, f.streetNumber);
  h = Math.imul(h ^ 0x20, 0x01000193);
  h = fnvOn(h, f.street);
  h = Math.imul(h ^ 0x20, 0x01000193);
  h = fnvOn(h, f.postcode);
  return (h >>> 0) & (SHARED_BUCKETS - 1);
}
function fnvOn(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
const companyKey = (f: Features): number => hash(f.company, 2);

function bump(table: Uint8Array, k: number): void {
  if (table[k]! < 255) table[k]! += 1;
}

/** A value shared by `count` records: one person's records rarely hold it more than twice. */
function sharedPenalty(count: number): number {
  return count > 2 ? SHARED_PENALTY * Math.log2(count / 2) : 0;
}

const MANY = '\u0000';

/** Whether two records' names can be one person's (same, nickname, typo, phonetic; or given/family swapped). */
function namesCompatible(a: Features, b: Features): boolean {
  if (!a.given || !b.given) return true;
  if (compareGiven(a.given, b.given, a.nick, b.nick, a.givenPh, b.givenPh) <= 3) return true;
  // Swapped columns (one side possibly shortened): a name of one record is the other's given name.
  return a.given === b.family || a.family === b.given;
}

/**
 * The emails `countTerms` may have seen more than once (its byte counters say so, collisions included), with
 * their records, in record and list order: every other email is held by one record and needs no look-up.
 */
interface RepeatedEmails {
  readonly records: number[];
  readonly values: string[];
}

/**
 * Emails shared by records whose given names cannot be one person's. Only values seen at least twice are
 * tracked, so the map stays small however long the list; only the emails `countTerms` found repeated are looked
 * at (at a million records, looking every email up cost more than a second).
 */
function sharedMailboxes(
  features: readonly Features[],
  repeated: RepeatedEmails,
  counts: Map<string, number> | null,
): Set<string> {
  const out = new Set<string>();
  if (!counts) return out;
  const first = new Map<string, Features | typeof MANY>();
  for (let k = 0; k < repeated.values.length; k++) {
    const f = features[repeated.records[k]!]!;
    const e = repeated.values[k]!;
    if ((counts.get(e) ?? 0) < 2 || !f.given) continue;
    const seen = first.get(e);
    if (seen === undefined) first.set(e, f);
    else if (seen !== MANY && !namesCompatible(seen, f)) {
      first.set(e, MANY);
      out.add(e);
    }
  }
  return out;
}

/**
 * Counts of each field's values, for the fields with term-frequency adjustment, and how many records hold one
 * (into `nonNull`). Emails and phones are mostly unique to one record (on the synthetic 100k list 88k of 93k
 * emails): only those held at least twice are counted in a map. A value held once reads exactly as an absent
 * one wherever the counts are used (a count is taken as at least 2, and shared only above 2) and is not stored,
 * so a first pass finds the repeated ones by hash in byte counters. Names, postcodes and cities repeat, and
 * are the memo's strings whose hashes the map already knows: they are counted directly.
 */
function countTerms(
  features: readonly Features[],
  nonNull: number[],
  repeated: RepeatedEmails,
): (Map<string, number> | null)[] {
  const n = features.length;
  let bits = 12;
  while (bits < 23 && 1 << bits < 4 * n) bits++;
  const mask = (1 << bits) - 1;
  const maps = FIELDS.map((spec) => (spec.tf ? new Map<string, number>() : null));
  const singles = TF_SINGLE.map((k) => maps[k]!);
  const fields = TF_SINGLE.length;
  const seen = [new Uint8Array(1 << bits), new Uint8Array(1 << bits)];
  let hashes = new Int32Array(Math.max(16, n));
  let count = 0;
  const held = new Int32Array(FIELDS.length);
  for (let r = 0; r < n; r++) {
    const f = features[r]!;
    for (let x = 0; x < fields; x++) {
      const k = TF_SINGLE[x]!;
      const v = singleValue(k, f);
      if (!v) continue;
      held[k]! += 1;
      const map = singles[x]!;
      map.set(v, (map.get(v) ?? 0) + 1);
    }
    for (let x = 0; x < 2; x++) {
      const values = x === 0 ? f.emails : f.phones;
      if (values.length === 0) continue;
      held[x + 3]! += 1;
      if (count + values.length > hashes.length) {
        const next = new Int32Array(hashes.length * 2 + values.length);
        next.set(hashes);
        hashes = next;
      }
      const table = seen[x]!;
      for (let i = 0; i < values.length; i++) {
        const h = fnvOf(values[i]!) & mask;
        hashes[count++] = h;
        if (table[h]! < 2) table[h]! += 1;
      }
    }
  }
  let at = 0;
  for (let r = 0; r < n; r++) {
    const f = features[r]!;
    for (let x = 0; x < 2; x++) {
      const values = x === 0 ? f.emails : f.phones;
      const table = seen[x]!;
      const map = maps[x + 3]!;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (table[hashes[at++]!]! < 2) continue;
        map.set(v, (map.get(v) ?? 0) + 1);
        if (x === 0) {
          repeated.records.push(r);
          repeated.values.push(v);
        }
      }
    }
  }
  for (let k = 0; k < FIELDS.length; k++) nonNull[k] = held[k]!;
  return maps;
}

/** The fields with term frequencies holding one value per record; emails (3) and phones (4) hold lists. */
const TF_SINGLE = [0, 1, 5, 7];
const TF_FIELDS = [...TF_SINGLE, 3, 4];
if (FIELDS.some((spec, k) => spec.tf !== TF_FIELDS.includes(k)))
  throw new Error('term-frequency fields moved');

const fnvOf = (s: string): number => fnvOn(0x811c9dc5, s);

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
  return { ...params, weights: weightTable(params.u), tf, calibration: CALIBRATION };
}

export interface PairScore {
  /** Calibrated: the probability that the two records are one person. */
  readonly probability: number;
  /** Raw Fellegi–Sunter weight (log2 odds before calibration). */
  readonly weight: number;
  readonly levels: Int8Array;
  readonly swapped: boolean;
  /** Identity conflicts (see `identityConflicts`). */
  readonly conflicts: number;
  /** Shares an email or phone held by a handful of records at most (a widely shared value is not an identifier). */
  readonly identifier: boolean;
  /** Shares an email that is one person's: not a shared mailbox, not widely shared. */
  readonly personalEmail: boolean;
}

/** An email or phone held by more records than this is shared (a switchboard, a role address), not personal. */
export const WIDELY_SHARED = 4;

/** log2(m/u) clipped, per field and level, before term-frequency adjustment: computed once per model. */
const baseWeights = new WeakMap<Model, readonly (readonly number[])[]>();

function weightTable(u: readonly (readonly number[])[]): number[][] {
  return FIELDS.map((spec, f) =>
    spec.levels.map((_, l) => {
      const w = Math.log2(spec.m[l]! / u[f]![l]!);
      return Math.max(MIN_FIELD_WEIGHT, Math.min(MAX_FIELD_WEIGHT, w));
    }),
  );
}

function baseWeight(model: Model, k: number, level: number): number {
  // Built and restored models carry their table: a scan reads it for every field of millions of pairs.
  let table = model.weights ?? baseWeights.get(model);
  if (!table) {
    table = weightTable(model.u);
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
  let w = Math.max(MIN_FIELD_WEIGHT, Math.min(MAX_FIELD_WEIGHT, Math.log2(m / u)));
  if (k === 3 || k === 4) {
    // An email or phone shared by many records is a household's, an office's or a switchboard's: one person's
    // records rarely hold a value more than two or three times, so each doubling past two halves its weight
    // further, whatever the list's size (frequency alone barely moves at a million records).
    w -= sharedPenalty(count);
    if (k === 3 && model.mailboxes?.has(value)) w = Math.min(w, MAILBOX_WEIGHT);
  }
  return Math.max(MIN_FIELD_WEIGHT, w);
}

const SHARED_PENALTY = 2;
/** A mailbox of several people says they know each other, not that they are one. */
const MAILBOX_WEIGHT = 2;

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
  // Postcode, street, city and state describe one address: they agree together (a household, an office) and
  // disagree together (a move). Counted as one piece of evidence: the strongest agreement plus a quarter of the
  // others, or the strongest disagreement alone; otherwise a mover sharing email and full name reads as two
  // people, and coworkers at one office as one.
  let addressFor = 0;
  let addressBest = 0;
  let addressAgainst = 0;
  for (let k = 0; k < FIELDS.length; k++) {
    const l = levels[k]!;
    if (l < 0) continue;
    const mult = settings.fieldWeights[WEIGHT_KEYS[k]!];
    if (mult === 0) continue;
    let w = mult * fieldWeight(model, k, l, a, b);
    if (k >= 5 && k <= 8) {
      if (w < 0) addressAgainst = Math.min(addressAgainst, w);
      else {
        addressFor += w;
        addressBest = Math.max(addressBest, w);
      }
      continue;
    }
    if (k === 9 && l === 0 && w > 0 && model.shared)
      w = Math.max(0, w - sharedPenalty(model.shared[companyKey(a)]!));
    weight += w;
  }
  let address = addressBest + (addressFor - addressBest) / 4;
  // An address many records share (an office, a care home) says little about any two of them.
  if (levels[6] === 0 && model.shared)
    address = Math.max(0, address - sharedPenalty(model.shared[addressKey(a)]!));
  weight += address + addressAgainst;
  const conflicts = identityConflicts(a, b, levels, swapped);
  let identifier = false;
  let personalEmail = false;
  if (levels[3] === 0) {
    const email = exactValue(3, a, b);
    const count = model.tf[3]?.get(email) ?? 2;
    identifier = count <= WIDELY_SHARED;
    personalEmail = identifier && !model.mailboxes?.has(email);
  }
  if (!identifier && levels[4] === 0)
    identifier = (model.tf[4]?.get(exactValue(4, a, b)) ?? 2) <= WIDELY_SHARED;
  const contact =
    (a.emails.length > 0 || a.phones.length > 0) && (b.emails.length > 0 || b.phones.length > 0);
  // One mailbox: the same personal address, or the same Gmail address written with dots or a +tag.
  const oneMailbox = personalEmail || levels[3] === 1;
  const cls = conflicts !== 0 ? 'conflict' : oneMailbox ? 'email' : 'clear';
  const probability = calibrate(model.calibration, weight, weight - model.prior, cls, contact);
  return { probability, weight, levels, swapped, conflicts, identifier, personalEmail };
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
