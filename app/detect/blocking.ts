import type { Features } from './types';

/**
 * Blocking rules: each gives a record zero or more keys; only records sharing a key are compared. Several narrow
 * rules (Splink-style union) keep comparisons near-linear while one typo rarely breaks every key at once.
 */
export interface BlockingRule {
  readonly name: string;
  readonly description: string;
  keys(f: Features): readonly string[];
}

const none: readonly string[] = [];
const one = (v: string): readonly string[] => [v];

export const BLOCKING_RULES: readonly BlockingRule[] = [
  { name: 'email', description: 'same email address', keys: (f) => f.emails },
  {
    name: 'email_folded',
    description: 'same email after Gmail dot/plus folding',
    keys: (f) => f.emailsFolded.filter((e) => !f.emails.includes(e)),
  },
  { name: 'email_local', description: 'same email user name', keys: (f) => f.emailLocals },
  { name: 'phone', description: 'same phone number', keys: (f) => f.phones },
  {
    name: 'name',
    description: 'same sounding given and family name (either order)',
    keys: (f) =>
      f.givenPh && f.familyPh
        ? one(f.givenPh < f.familyPh ? `${f.givenPh}|${f.familyPh}` : `${f.familyPh}|${f.givenPh}`)
        : none,
  },
  {
    name: 'nickname_family',
    description: 'nickname-equivalent given name and same sounding family name',
    keys: (f) => (f.nick && f.familyPh ? f.nick.map((g) => `${g}|${f.familyPh}`) : none),
  },
  {
    name: 'family_postcode',
    description: 'same sounding family name and postcode',
    keys: (f) => (f.familyPh && f.postcode ? one(`${f.familyPh}|${f.postcode}`) : none),
  },
  {
    name: 'family_dob',
    description: 'same sounding family name and birthday',
    keys: (f) => (f.familyPh && f.dob ? one(`${f.familyPh}|${f.dob}`) : none),
  },
  {
    name: 'given_dob',
    description: 'same sounding given name and birthday',
    keys: (f) => (f.givenPh && f.dob ? one(`${f.givenPh}|${f.dob}`) : none),
  },
  {
    name: 'dob_postcode',
    description: 'same birthday and postcode',
    keys: (f) => (f.dob && f.postcode ? one(`${f.dob}|${f.postcode}`) : none),
  },
  {
    name: 'address',
    description: 'same street number and postcode',
    keys: (f) => (f.streetNumber && f.postcode ? one(`${f.streetNumber}|${f.postcode}`) : none),
  },
  {
    name: 'street',
    description: 'same street number and street',
    keys: (f) => (f.streetNumber && f.street ? one(`${f.streetNumber}|${f.street}`) : none),
  },
  {
    name: 'dob_city',
    description: 'same birthday and city',
    keys: (f) => (f.dob && f.locality ? one(`${f.dob}|${f.locality}`) : none),
  },
  {
    name: 'street_city',
    description: 'same street name and city',
    keys: (f) => (f.street && f.locality ? one(`${f.street}|${f.locality}`) : none),
  },
  {
    name: 'family_city',
    description: 'same sounding family name, given initial and city',
    keys: (f) =>
      f.familyPh && f.locality && f.given ? one(`${f.familyPh}|${f.given[0]}|${f.locality}`) : none,
  },
];

/** 32-bit FNV-1a; collisions only add a few extra comparisons, never lose one. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface RuleReport {
  readonly rule: string;
  readonly description: string;
  readonly blocks: number;
  /** Pairs the rule produced (before removing pairs an earlier rule already produced). */
  readonly comparisons: number;
  /** Pairs first produced by this rule. */
  readonly newPairs: number;
  readonly skippedBlocks: number;
  readonly largestSkipped: number;
}

class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export interface Candidates {
  /** Packed pairs: (i * n + j) for i < j, sorted and unique. */
  readonly pairs: Float64Array;
  /** Index into BLOCKING_RULES of the first rule that produced each pair. */
  readonly rules: Uint8Array;
  readonly report: RuleReport[];
}

export interface BlockOptions {
  readonly maxBlockSize: number;
  /** Compare only records from different sources (linkage). */
  readonly linkage?: boolean;
  readonly signal?: { throwIfAborted(): void };
  /**
   * Receives each rule's keys, sorted, as `rule * 2^32 + hash32(value)` with the record index, so a caller can
   * store them (the incremental re-scan's `match_keys`) without computing them a second time. Only called when
   * the list is small enough for the full 32-bit hash to be packed with the record index (below 2^20 records,
   * see `keysReported`).
   */
  readonly onKeys?: (keys: Float64Array, records: Int32Array) => void;
}

/** Sorts packed (hash, record) numbers per rule, walks equal-hash runs and emits every pair inside small blocks. */
/** Whether `onKeys` is called for a list of this size. */
export const keysReported = (n: number): boolean => Math.min(32, 52 - idBitsFor(n)) === 32;

const idBitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

export function generateCandidates(features: readonly Features[], options: BlockOptions): Candidates {
  const n = features.length;
  const idBits = idBitsFor(n);
  const hashBits = Math.min(32, 52 - idBits);
  const hashScale = 2 ** idBits;
  const hashMask = 2 ** hashBits;
  const all = new GrowableF64();
  const report: RuleReport[] = [];
  const members: number[] = [];
  for (let r = 0; r < BLOCKING_RULES.length; r++) {
    options.signal?.throwIfAborted();
    const rule = BLOCKING_RULES[r]!;
    const keyed = new GrowableF64();
    for (let i = 0; i < n; i++) {
      const keys = rule.keys(features[i]!);
      for (const k of keys) keyed.push((hash32(k) % hashMask) * hashScale + i);
    }
    const sorted = keyed.view().sort();
    if (options.onKeys && hashBits === 32) {
      const keys = new Float64Array(sorted.length);
      const records = new Int32Array(sorted.length);
      for (let t = 0; t < sorted.length; t++) {
        const h = Math.floor(sorted[t]! / hashScale);
        keys[t] = r * 4294967296 + h;
        records[t] = sorted[t]! - h * hashScale;
      }
      options.onKeys(keys, records);
    }
    let blocks = 0;
    let comparisons = 0;
    let skipped = 0;
    let largest = 0;
    let start = 0;
    while (start < sorted.length) {
      const h = Math.floor(sorted[start]! / hashScale);
      let end = start + 1;
      while (end < sorted.length && Math.floor(sorted[end]! / hashScale) === h) end++;
      const size = end - start;
      if (size >= 2) {
        if (size > options.maxBlockSize) {
          skipped += 1;
          largest = Math.max(largest, size);
        } else {
          blocks += 1;
          members.length = 0;
          for (let t = start; t < end; t++) {
            const rec = sorted[t]! - h * hashScale;
            if (members[members.length - 1] !== rec) members.push(rec);
          }
          for (let x = 0; x < members.length; x++) {
            const i = members[x]!;
            for (let y = x + 1; y < members.length; y++) {
              const j = members[y]!;
              if (options.linkage && features[i]!.source === features[j]!.source) continue;
              all.push((i * n + j) * 16 + r);
              comparisons += 1;
            }
          }
        }
      }
      start = end;
    }
    report.push({
      rule: rule.name,
      description: rule.description,
      blocks,
      comparisons,
      newPairs: 0,
      skippedBlocks: skipped,
      largestSkipped: largest,
    });
  }
  const packed = all.view().sort();
  const pairs = new GrowableF64();
  const rules: number[] = [];
  const firstCounts = new Array<number>(BLOCKING_RULES.length).fill(0);
  let last = -1;
  for (let t = 0; t < packed.length; t++) {
    const v = packed[t]!;
    const pair = Math.floor(v / 16);
    if (pair === last) continue;
    last = pair;
    const r = v - pair * 16;
    pairs.push(pair);
    rules.push(r);
    firstCounts[r]! += 1;
  }
  return {
    pairs: pairs.view(),
    rules: Uint8Array.from(rules),
    report: report.map((rep, r) => ({ ...rep, newPairs: firstCounts[r]! })),
  };
}
