/**
 * talisman ships CommonJS with `exports.default` on some modules and a bare function on others; Node's ESM loader,
 * esbuild and vitest each unwrap that differently, so resolve the callable once here.
 */
import jaroWinklerModule from 'talisman/metrics/jaro-winkler.js';
import doubleMetaphoneModule from 'talisman/phonetics/double-metaphone.js';

function callable<F>(mod: unknown): F {
  let m = mod as { default?: unknown } | F;
  for (let i = 0; i < 3 && typeof m !== 'function'; i++) m = (m as { default?: unknown }).default as typeof m;
  if (typeof m !== 'function') throw new Error('talisman module without a callable export');
  return m as F;
}

export const jaroWinkler = callable<(a: string, b: string) => number>(jaroWinklerModule);
export const doubleMetaphone = callable<(word: string) => [string, string]>(doubleMetaphoneModule);
