import type { Features } from './types';

/**
 * Blocking rules: each gives a record zero or more keys; only records sharing a key are compared. Several narrow
 * rules (Splink-style union) keep comparisons near-linear while one typo rarely breaks every key at once.
 *
 * `keys` spells a rule's keys out (the incremental re-scan stores and looks them up); `hashes` gives the same
 * keys' `hash32` straight from the record's fields, without building a string per record and rule, which is what
 * a full scan spends most of its blocking time on otherwise.
 */
export interface BlockingRule {
  readonly name: string;
  readonly description: string;
  keys(f: Features): readonly string[];
  /** Calls `emit` with `hash32` of each of `keys(f)`, in the same order. */
  hashes(f: Features, emit: (hash: number) => void): void;
}

const none: readonly string[] = [];
const one = (v: string): readonly string[] => [v];

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const BAR = 0x7c; // '|'

/** Continues an FNV-1a hash over `s` (the state before the final unsigned shift). */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}
const bar = (h: number): number => Math.imul(h ^ BAR, FNV_PRIME);
/** hash32(`${a}|${b}`) */
const hashPair = (a: string, b: string): number => fnv(bar(fnv(FNV_OFFSET, a)), b) >>> 0;
/** hash32(`${a}|${b}|${c}`) */
const hashTriple = (a: string, b: string, c: string): number =>
  fnv(bar(fnv(bar(fnv(FNV_OFFSET, a)), b)), c) >>> 0;

/** Digits of a nickname group number as `String(g)` spells them, hashed without the string. */
function fnvNumber(h: number, g: number): number {
  if (g < 10) return Math.imul(h ^ (0x30 + g), FNV_PRIME);
  return Math.imul(fnvNumber(h, Math.floor(g / 10)) ^ (0x30 + (g % 10)), FNV_PRIME);
}

const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);
const foldedOnly = (f: Features): readonly string[] =>
  f.emailsFolded === f.emails ? none : f.emailsFolded.filter((e) => !f.emails.includes(e));

/** A rule keyed by the record's own values (emails, phones): each value is a key. */
function listRule(
  name: string,
  description: string,
  values: (f: Features) => readonly string[],
): BlockingRule {
  return {
    name,
    description,
    keys: values,
    hashes(f, emit) {
      const vs = values(f);
      for (let i = 0; i < vs.length; i++) emit(hash32(vs[i]!));
    },
  };
}

/**
 * A rule keyed by two fields joined with "|", when both are present. `hashes` is spelled out per rule (the
 * same two fields): one shared function calling nine pairs of accessors is slow for every record and rule.
 */
function pairRule(
  name: string,
  description: string,
  first: (f: Features) => string,
  second: (f: Features) => string,
  hashes: (f: Features, emit: (hash: number) => void) => void,
): BlockingRule {
  return {
    name,
    description,
    keys: (f) => {
      const a = first(f);
      const b = second(f);
      return a && b ? one(`${a}|${b}`) : none;
    },
    hashes,
  };
}

export const BLOCKING_RULES: readonly BlockingRule[] = [
  listRule('email', 'same email address', (f) => f.emails),
  listRule('email_folded', 'same email after Gmail dot/plus folding', foldedOnly),
  listRule('email_local', 'same email user name', (f) => f.emailLocals),
  listRule('phone', 'same phone number', (f) => f.phones),
  {
    name: 'name',
    description: 'same sounding given and family name (either order)',
    keys: (f) => {
      if (!f.givenPh || !f.familyPh) return none;
      const [a, b] = ordered(f.givenPh, f.familyPh);
      return one(`${a}|${b}`);
    },
    hashes(f, emit) {
      if (!f.givenPh || !f.familyPh) return;
      emit(f.givenPh < f.familyPh ? hashPair(f.givenPh, f.familyPh) : hashPair(f.familyPh, f.givenPh));
    },
  },
  {
    name: 'nickname_family',
    description: 'nickname-equivalent given name and same sounding family name',
    keys: (f) => (f.nick && f.familyPh ? f.nick.map((g) => `${g}|${f.familyPh}`) : none),
    hashes(f, emit) {
      const nick = f.nick;
      if (!nick || !f.familyPh) return;
      for (let i = 0; i < nick.length; i++) emit(fnv(bar(fnvNumber(FNV_OFFSET, nick[i]!)), f.familyPh) >>> 0);
    },
  },
  pairRule(
    'family_postcode',
    'same sounding family name and postcode',
    (f) => f.familyPh,
    (f) => f.postcode,
    (f, emit) => {
      if (f.familyPh && f.postcode) emit(hashPair(f.familyPh, f.postcode));
    },
  ),
  pairRule(
    'family_dob',
    'same sounding family name and birthday',
    (f) => f.familyPh,
    (f) => f.dob,
    (f, emit) => {
      if (f.familyPh && f.dob) emit(hashPair(f.familyPh, f.dob));
    },
  ),
  pairRule(
    'given_dob',
    'same sounding given name and birthday',
    (f) => f.givenPh,
    (f) => f.dob,
    (f, emit) => {
      if (f.givenPh && f.dob) emit(hashPair(f.givenPh, f.dob));
    },
  ),
  pairRule(
    'dob_postcode',
    'same birthday and postcode',
    (f) => f.dob,
    (f) => f.postcode,
    (f, emit) => {
      if (f.dob && f.postcode) emit(hashPair(f.dob, f.postcode));
    },
  ),
  pairRule(
    'address',
    'same street number and postcode',
    (f) => f.streetNumber,
    (f) => f.postcode,
    (f, emit) => {
      if (f.streetNumber && f.postcode) emit(hashPair(f.streetNumber, f.postcode));
    },
  ),
  pairRule(
    'street',
    'same street number and street',
    (f) => f.streetNumber,
    (f) => f.street,
    (f, emit) => {
      if (f.streetNumber && f.street) emit(hashPair(f.streetNumber, f.street));
    },
  ),
  pairRule(
    'dob_city',
    'same birthday and city',
    (f) => f.dob,
    (f) => f.locality,
    (f, emit) => {
      if (f.dob && f.locality) emit(hashPair(f.dob, f.locality));
    },
  ),
  // A street of a city is shared by everyone living on it (a block of a common street grows with the list: at
  // 500k CRM-style rows it made 44 % of all comparisons and none of the kept pairs); the given initial splits it
  // into the people who could be one, and a married name at the same address still meets.
  {
    name: 'street_city',
    description: 'same street name, city and given initial',
    keys: (f) => (f.street && f.locality ? one(`${f.street}|${f.locality}|${f.given.slice(0, 1)}`) : none),
    hashes(f, emit) {
      if (f.street && f.locality) emit(hashTriple(f.street, f.locality, f.given.slice(0, 1)));
    },
  },
  {
    name: 'family_city',
    description: 'same sounding family name, given initial and city',
    keys: (f) =>
      f.familyPh && f.locality && f.given ? one(`${f.familyPh}|${f.given[0]}|${f.locality}`) : none,
    hashes(f, emit) {
      if (f.familyPh && f.locality && f.given) emit(hashTriple(f.familyPh, f.given[0]!, f.locality));
    },
  },
];

/**
 * The spelling of the rules' keys. A scan records it with its run: keys stored under another spelling cannot be
 * looked up, so a re-scan after a change of rules is a full scan.
 */
export const BLOCKING_VERSION = 2;

/** 32-bit FNV-1a; collisions only add a few extra comparisons, never lose one. */
export function hash32(s: string): number {
  return fnv(FNV_OFFSET, s) >>> 0;
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
  /** Blocks too large to compare all-pairs, compared in sorted neighbourhoods instead. */
  readonly windowedBlocks: number;
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

class GrowableI32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * One rule's keys as (hash, record) in two typed arrays, sorted by a stable radix sort on the hash: records are
 * keyed in ascending order, so equal hashes come out by record, the order the packed (hash, record) numbers
 * sorted to, in a few linear passes instead of a comparison sort.
 */
class KeyBuffer {
  hashes = new Uint32Array(1024);
  records = new Int32Array(1024);
  length = 0;
  private spareHashes = new Uint32Array(1024);
  private spareRecords = new Int32Array(1024);
  private readonly counts = new Int32Array(RADIX);

  push(hash: number, record: number): void {
    if (this.length === this.hashes.length) {
      const hashes = new Uint32Array(this.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const records = new Int32Array(this.length * 2);
      records.set(this.records);
      this.records = records;
    }
    this.hashes[this.length] = hash;
    this.records[this.length++] = record;
  }

  sort(): void {
    const n = this.length;
    if (this.spareHashes.length < this.hashes.length) {
      this.spareHashes = new Uint32Array(this.hashes.length);
      this.spareRecords = new Int32Array(this.hashes.length);
    }
    const counts = this.counts;
    for (let shift = 0; shift < 32; shift += RADIX_BITS) {
      const fromH = this.hashes;
      const fromR = this.records;
      const toH = this.spareHashes;
      const toR = this.spareRecords;
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[(fromH[i]! >>> shift) & RADIX_MASK]! += 1;
      let at = 0;
      for (let d = 0; d < RADIX; d++) {
        const c = counts[d]!;
        counts[d] = at;
        at += c;
      }
      for (let i = 0; i < n; i++) {
        const h = fromH[i]!;
        const to = counts[(h >>> shift) & RADIX_MASK]!++;
        toH[to] = h;
        toR[to] = fromR[i]!;
      }
      this.hashes = toH;
      this.records = toR;
      this.spareHashes = fromH;
      this.spareRecords = fromR;
    }
  }
}
const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;

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

/**
 * Bounds on the work per record. A block up to `FULL_BLOCK` members is compared all-pairs (at most
 * `FULL_BLOCK - 1` comparisons per record and key). A larger one (common names: "Maria Garcia" fills a block up to
 * the cap) is compared in sorted neighbourhoods: its members are ordered by name and, separately, by email/phone,
 * and each is compared with the `WINDOW` next ones in each order. Those windowed comparisons draw on a budget per
 * record, `WINDOW_BUDGET`, spent on the smallest blocks first (the rarest keys say the most), so a record with
 * several common keys never costs more than that whatever the distribution of names, phones and streets.
 */
export const FULL_BLOCK = 12;
export const WINDOW = 6;
export const WINDOW_BUDGET = 48;

/** Whether `onKeys` is called for a list of this size. */
export const keysReported = (n: number): boolean => Math.min(32, 52 - idBitsFor(n)) === 32;

const idBitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

/** The orders of a large block's members in which duplicates tend to sit side by side. */
const ORDERS: readonly ((a: Features, b: Features) => number)[] = [
  (a, b) => cmp(a.given, b.given) || cmp(a.family, b.family) || cmp(a.dob, b.dob),
  (a, b) =>
    cmp(a.emails[0] ?? '\uffff', b.emails[0] ?? '\uffff') ||
    cmp(a.phones[0] ?? '\uffff', b.phones[0] ?? '\uffff') ||
    cmp(a.family, b.family),
];
const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** Sorts (hash, record) per rule, walks equal-hash runs and emits the pairs of each block. */
export function generateCandidates(features: readonly Features[], options: BlockOptions): Candidates {
  const n = features.length;
  const idBits = idBitsFor(n);
  // The hash keeps the bits the packed pairs and reported keys had room for beside a record index.
  const hashBits = Math.min(32, 52 - idBits);
  const hashMask = 2 ** hashBits;
  const all = new GrowableF64();
  const reports: {
    blocks: number;
    comparisons: number;
    skipped: number;
    largest: number;
    windowed: number;
  }[] = [];
  // Large blocks wait until every rule is keyed, then are windowed smallest first: (size, rule, offset) each.
  const large = new GrowableF64();
  const largeMembers = new GrowableI32();
  const members: number[] = [];
  // One buffer for every rule's keys (a rule's keys are done with before the next rule's are made).
  const keyed = new KeyBuffer();
  for (let r = 0; r < BLOCKING_RULES.length; r++) {
    options.signal?.throwIfAborted();
    const rule = BLOCKING_RULES[r]!;
    keyed.length = 0;
    let record = 0;
    const emit = (h: number) => keyed.push(h % hashMask, record);
    for (record = 0; record < n; record++) rule.hashes(features[record]!, emit);
    keyed.sort();
    const length = keyed.length;
    const hashes = keyed.hashes;
    const records = keyed.records;
    if (options.onKeys && hashBits === 32) {
      const keys = new Float64Array(length);
      for (let t = 0; t < length; t++) keys[t] = r * 4294967296 + hashes[t]!;
      options.onKeys(keys, records.slice(0, length));
    }
    const rep = { blocks: 0, comparisons: 0, skipped: 0, largest: 0, windowed: 0 };
    reports.push(rep);
    let start = 0;
    while (start < length) {
      const h = hashes[start]!;
      let end = start + 1;
      while (end < length && hashes[end] === h) end++;
      start = collect(start, end);
    }
    function collect(from: number, end: number): number {
      if (end - from < 2) return end;
      members.length = 0;
      for (let t = from; t < end; t++) {
        const rec = records[t]!;
        if (members[members.length - 1] !== rec) members.push(rec);
      }
      const size = members.length;
      if (size < 2) return end;
      if (size > options.maxBlockSize) {
        rep.skipped += 1;
        rep.largest = Math.max(rep.largest, size);
        return end;
      }
      rep.blocks += 1;
      if (size > FULL_BLOCK) {
        rep.windowed += 1;
        large.push((size * 16 + r) * 2 ** 32 + largeMembers.length);
        for (const m of members) largeMembers.push(m);
        return end;
      }
      for (let x = 0; x < size; x++) {
        const i = members[x]!;
        for (let y = x + 1; y < size; y++) {
          const j = members[y]!;
          if (options.linkage && features[i]!.source === features[j]!.source) continue;
          all.push((i * n + j) * 16 + r);
          rep.comparisons += 1;
        }
      }
      return end;
    }
  }
  windowLargeBlocks(features, large.view().sort(), largeMembers.data, options, (i, j, r) => {
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    all.push((lo * n + hi) * 16 + r);
    reports[r]!.comparisons += 1;
  });
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
    report: reports.map((rep, r) => ({
      rule: BLOCKING_RULES[r]!.name,
      description: BLOCKING_RULES[r]!.description,
      blocks: rep.blocks,
      comparisons: rep.comparisons,
      newPairs: firstCounts[r]!,
      skippedBlocks: rep.skipped,
      largestSkipped: rep.largest,
      windowedBlocks: rep.windowed,
    })),
  };
}

/**
 * Sorted-neighbourhood comparisons inside the large blocks, smallest blocks first, each record drawing on its
 * windowed-comparison budget (a pair costs both of its records one).
 */
function windowLargeBlocks(
  features: readonly Features[],
  blocks: Float64Array,
  pool: Int32Array,
  options: BlockOptions,
  emit: (i: number, j: number, rule: number) => void,
): void {
  if (blocks.length === 0) return;
  const spent = new Uint8Array(features.length);
  // Pairs already emitted from this block, by the two members' positions in it (reused from block to block).
  let seen = new Uint8Array(0);

  for (let b = 0; b < blocks.length; b++) {
    if ((b & 0x3ff) === 0) options.signal?.throwIfAborted();
    const v = blocks[b]!;
    const head = Math.floor(v / 2 ** 32);
    const offset = v - head * 2 ** 32;
    const size = Math.floor(head / 16);
    const rule = head - size * 16;
    if (seen.length < size * size) seen = new Uint8Array(size * size);
    else seen.fill(0, 0, size * size);
    const members = pool.subarray(offset, offset + size);
    for (const compare of ORDERS) {
      const order = Array.from({ length: size }, (_, k) => k);
      order.sort(
        (x, y) => compare(features[members[x]!]!, features[members[y]!]!) || members[x]! - members[y]!,
      );
      for (let x = 0; x < size; x++) {
        const at = order[x]!;
        const i = members[at]!;
        const last = Math.min(size, x + 1 + WINDOW);
        for (let y = x + 1; y < last && spent[i]! < WINDOW_BUDGET; y++) {
          const other = order[y]!;
          const j = members[other]!;
          if (spent[j]! >= WINDOW_BUDGET) continue;
          const cell = at < other ? at * size + other : other * size + at;
          if (seen[cell]) continue;
          seen[cell] = 1;
          if (options.linkage && features[i]!.source === features[j]!.source) continue;
          spent[i]! += 1;
          spent[j]! += 1;
          emit(i, j, rule);
        }
      }
    }
  }
}

/**
 * The members of one block a single record is compared with, as a full scan would: all of a small block, and the
 * `WINDOW` neighbours on each side in each order of a large one (an incremental re-scan uses it).
 */
export function blockNeighbours<K>(own: K, members: readonly K[], featuresOf: (k: K) => Features): K[] {
  if (members.length <= FULL_BLOCK) return members.filter((m) => m !== own);
  const out = new Set<K>();
  for (const compare of ORDERS) {
    const order = [...members].sort((x, y) => compare(featuresOf(x), featuresOf(y)));
    const at = order.indexOf(own);
    if (at < 0) continue;
    for (let d = 1; d <= WINDOW; d++) {
      if (at - d >= 0) out.add(order[at - d]!);
      if (at + d < order.length) out.add(order[at + d]!);
    }
  }
  return [...out];
}
