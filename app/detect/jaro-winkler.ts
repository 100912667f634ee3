/**
 * Jaro–Winkler similarity, the same figures as talisman's `metrics/jaro-winkler` (boost threshold 0.7, scaling
 * 0.1, prefix up to 4, UTF-16 code units), without its per-call arrays: scoring millions of pairs calls it several
 * times per pair, and the allocations cost more than the arithmetic. Match flags live in buffers reused across calls.
 */
let flags = new Uint8Array(64);
let matchedAt = new Int32Array(64);

function ensure(length: number): void {
  if (flags.length >= length) return;
  const size = Math.max(length, flags.length * 2);
  flags = new Uint8Array(size);
  matchedAt = new Int32Array(size);
}

export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  return jaroRange(a, 0, a.length, b, 0, b.length);
}

/** Jaro of a.slice(a0, a1) and b.slice(b0, b1), without making the substrings. */
function jaroRange(a: string, a0: number, a1: number, b: string, b0: number, b1: number): number {
  const aLength = a1 - a0;
  const bLength = b1 - b0;
  const aLonger = aLength > bLength;
  const max = aLonger ? a : b;
  const maxStart = aLonger ? a0 : b0;
  const maxLength = aLonger ? aLength : bLength;
  const min = aLonger ? b : a;
  const minStart = aLonger ? b0 : a0;
  const minLength = aLonger ? bLength : aLength;
  const range = Math.max(((maxLength / 2) | 0) - 1, 0);
  ensure(maxLength);
  // A loop, not fill(): the strings are short and fill is a call into the runtime.
  for (let j = 0; j < maxLength; j++) flags[j] = 0;
  let matches = 0;
  for (let i = 0; i < minLength; i++) {
    const c = min.charCodeAt(minStart + i);
    matchedAt[i] = -1;
    const end = Math.min(i + range + 1, maxLength);
    for (let j = Math.max(i - range, 0); j < end; j++) {
      if (flags[j] === 0 && c === max.charCodeAt(maxStart + j)) {
        matchedAt[i] = j;
        flags[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (!matches) return 0;
  // Matched characters of each string in order; a position where they differ is half a transposition.
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < minLength; i++) {
    if (matchedAt[i] === -1) continue;
    while (flags[k] === 0) k++;
    if (min.charCodeAt(minStart + i) !== max.charCodeAt(maxStart + k)) transpositions++;
    k++;
  }
  const t = (transpositions / 2) | 0;
  const m = matches;
  return (m / aLength + m / bLength + (m - t) / m) / 3;
}

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const dj = jaro(a, b);
  if (dj < 0.7) return dj;
  const limit = Math.min(a.length, b.length, 4);
  let l = 0;
  for (let i = 0; i < limit; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) l++;
    else break;
  }
  return dj + l * 0.1 * (1 - dj);
}

/** jaroWinkler(a.slice(a0, a1), b.slice(b0, b1)) without making the substrings (email user names and domains). */
export function jaroWinklerRange(
  a: string,
  a0: number,
  a1: number,
  b: string,
  b0: number,
  b1: number,
): number {
  if (sameRange(a, a0, a1, b, b0, b1)) return 1;
  return jaroRangeWinkler(a, a0, a1, b, b0, b1);
}

function sameRange(a: string, a0: number, a1: number, b: string, b0: number, b1: number): boolean {
  const length = a1 - a0;
  if (length !== b1 - b0) return false;
  for (let i = 0; i < length; i++) if (a.charCodeAt(a0 + i) !== b.charCodeAt(b0 + i)) return false;
  return true;
}

/** jaroWinklerRange of two ranges already known to differ. */
function jaroRangeWinkler(a: string, a0: number, a1: number, b: string, b0: number, b1: number): number {
  const aLength = a1 - a0;
  const bLength = b1 - b0;
  const dj = jaroRange(a, a0, a1, b, b0, b1);
  if (dj < 0.7) return dj;
  const limit = Math.min(aLength, bLength, 4);
  let l = 0;
  for (let i = 0; i < limit; i++) {
    if (a.charCodeAt(a0 + i) === b.charCodeAt(b0 + i)) l++;
    else break;
  }
  return dj + l * 0.1 * (1 - dj);
}

/**
 * A looser bound than jaroWinklerBound from the lengths alone (at most the shorter length in common) and the common
 * prefix: values of very different lengths are settled without counting characters.
 */
function lengthBound(a: string, a0: number, a1: number, b: string, b0: number, b1: number): number {
  const aLength = a1 - a0;
  const bLength = b1 - b0;
  if (aLength === 0 || bLength === 0) return 0;
  const common = Math.min(aLength, bLength);
  const j = (common / aLength + common / bLength + 1) / 3;
  const limit = Math.min(common, 4);
  let l = 0;
  while (l < limit && a.charCodeAt(a0 + l) === b.charCodeAt(b0 + l)) l++;
  return j + l * 0.1 * (1 - j);
}

/** Counts of Latin-1 characters of one string, cleared after each use. */
const charCounts = new Int16Array(256);

/**
 * An upper bound of jaroWinklerRange from the characters the two strings have in common (Jaro's matches pair equal
 * characters, so there are at most that many) and their common prefix: linear in the lengths, where Jaro itself
 * visits a window of the longer string for each character of the shorter.
 */
function jaroWinklerBound(a: string, a0: number, a1: number, b: string, b0: number, b1: number): number {
  const aLength = a1 - a0;
  const bLength = b1 - b0;
  if (aLength === 0 || bLength === 0) return 0;
  let wideA = 0;
  let wideB = 0;
  for (let i = a0; i < a1; i++) {
    const c = a.charCodeAt(i);
    if (c < 256) charCounts[c]! += 1;
    else wideA++;
  }
  let common = 0;
  for (let i = b0; i < b1; i++) {
    const c = b.charCodeAt(i);
    if (c >= 256) wideB++;
    else if (charCounts[c]! > 0) {
      charCounts[c]! -= 1;
      common++;
    }
  }
  for (let i = a0; i < a1; i++) {
    const c = a.charCodeAt(i);
    if (c < 256) charCounts[c] = 0;
  }
  // Characters past Latin-1 are not counted: any of them may match.
  common += Math.min(wideA, wideB);
  if (common === 0) return 0;
  const j = (common / aLength + common / bLength + 1) / 3;
  const limit = Math.min(aLength, bLength, 4);
  let l = 0;
  while (l < limit && a.charCodeAt(a0 + l) === b.charCodeAt(b0 + l)) l++;
  return j + l * 0.1 * (1 - j);
}

/**
 * jaroWinklerRange when it is at least `floor`, else some value below `floor` (0 when the bound already rules it
 * out): for comparisons that only ask whether two values are close, most candidate pairs of different people are
 * settled by the linear bound.
 */
export function jaroWinklerRangeFrom(
  floor: number,
  a: string,
  a0: number,
  a1: number,
  b: string,
  b0: number,
  b1: number,
): number {
  // Equal ranges first (most email domains of a pair are the same provider): 1 without the bound's passes. Two
  // empty ranges stay 0, as the bound has them.
  if (a1 > a0 && sameRange(a, a0, a1, b, b0, b1)) return 1;
  if (lengthBound(a, a0, a1, b, b0, b1) < floor) return 0;
  if (jaroWinklerBound(a, a0, a1, b, b0, b1) < floor) return 0;
  return jaroRangeWinkler(a, a0, a1, b, b0, b1);
}

/** jaroWinkler(a, b) when it is at least `floor`, else some value below `floor`. */
export function jaroWinklerFrom(floor: number, a: string, b: string): number {
  if (a === b) return 1;
  if (lengthBound(a, 0, a.length, b, 0, b.length) < floor) return 0;
  if (jaroWinklerBound(a, 0, a.length, b, 0, b.length) < floor) return 0;
  return jaroWinkler(a, b);
}

/**
 * jaroWinklerBound of `a` and `b` with every `skip` character left out, without making the shortened strings: a
 * pair is settled before either is built. A side with nothing else gives 1 (it rules nothing out).
 */
export function jaroWinklerBoundWithout(skip: number, a: string, b: string): number {
  let aLength = 0;
  let bLength = 0;
  let wideA = 0;
  let wideB = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c === skip) continue;
    aLength++;
    if (c < 256) charCounts[c]! += 1;
    else wideA++;
  }
  let common = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c === skip) continue;
    bLength++;
    if (c >= 256) wideB++;
    else if (charCounts[c]! > 0) {
      charCounts[c]! -= 1;
      common++;
    }
  }
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c < 256) charCounts[c] = 0;
  }
  if (aLength === 0 || bLength === 0) return 1;
  common += Math.min(wideA, wideB);
  if (common === 0) return 0;
  const j = (common / aLength + common / bLength + 1) / 3;
  const limit = Math.min(aLength, bLength, 4);
  let l = 0;
  let i = 0;
  let k = 0;
  while (l < limit) {
    while (a.charCodeAt(i) === skip) i++;
    while (b.charCodeAt(k) === skip) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) break;
    l++;
    i++;
    k++;
  }
  return j + l * 0.1 * (1 - j);
}
