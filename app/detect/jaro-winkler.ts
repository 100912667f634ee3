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
  const max = a.length > b.length ? a : b;
  const min = a.length > b.length ? b : a;
  const range = Math.max(((max.length / 2) | 0) - 1, 0);
  ensure(max.length);
  flags.fill(0, 0, max.length);
  let matches = 0;
  for (let i = 0; i < min.length; i++) {
    const c = min.charCodeAt(i);
    matchedAt[i] = -1;
    const end = Math.min(i + range + 1, max.length);
    for (let j = Math.max(i - range, 0); j < end; j++) {
      if (flags[j] === 0 && c === max.charCodeAt(j)) {
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
  for (let i = 0; i < min.length; i++) {
    if (matchedAt[i] === -1) continue;
    while (flags[k] === 0) k++;
    if (min.charCodeAt(i) !== max.charCodeAt(k)) transpositions++;
    k++;
  }
  const t = (transpositions / 2) | 0;
  const m = matches;
  return (m / a.length + m / b.length + (m - t) / m) / 3;
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
