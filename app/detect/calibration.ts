/**
 * The map from a pair's Fellegi–Sunter evidence (its weight without the list-size prior: a candidate pair found by
 * blocking is about as likely a match in a list of a million as in one of six thousand) to the probability that
 * the two records are one person.
 * Fellegi–Sunter assumes fields independent, and real contact fields are not (one move changes phone, street and
 * city; a father and son share name, street and landline), so its logistic is far from calibrated. The map is
 * fitted on labelled CRM-style lists (`bench/crm-style/fit-calibration.ts`, seeds apart from the benchmark's),
 * separately for pairs with and without an identity conflict, as an isotonic (monotone) table over weight bins.
 */
export interface Calibration {
  /** Evidence (bits) of the first bin's centre. */
  readonly from: number;
  /** Bin width in weight units (bits). */
  readonly step: number;
  /** Probability per bin for pairs without an identity conflict (non-decreasing). */
  readonly clear: readonly number[];
  /** The same for pairs without a conflict that share a personal email (one mailbox, one name: rarely two people). */
  readonly email: readonly number[];
  /** Probability per bin for pairs with an identity conflict (non-decreasing, capped below certainty). */
  readonly conflict: readonly number[];
}

/** A pair with conflicting identity evidence (Jr./Sr., birthdays decades apart, other given names) never reads 100 %. */
export const CONFLICT_CEILING = 0.95;

/** Which table a pair is read from. */
export type CalibrationClass = 'clear' | 'email' | 'conflict';
const CLASSES: readonly CalibrationClass[] = ['clear', 'email', 'conflict'];

export function logistic(weight: number): number {
  const odds = Math.pow(2, weight);
  return odds / (1 + odds);
}

/**
 * Probability of one person. `weight` is the raw weight (with the prior), `evidence` the same without it. The
 * table was fitted on contact lists, so it applies to pairs where both records carry an email or a phone; other
 * pairs (name, birthday and address only, as in a census-style file) keep the model's own logistic.
 */
export function calibrate(
  c: Calibration | null | undefined,
  weight: number,
  evidence: number,
  cls: CalibrationClass,
  contact: boolean,
): number {
  const conflict = cls === 'conflict';
  if (!c || !contact) return conflict ? Math.min(CONFLICT_CEILING, logistic(weight)) : logistic(weight);
  const table = c[cls];
  const x = (evidence - c.from) / c.step;
  if (x <= 0) return table[0]!;
  const last = table.length - 1;
  if (x >= last) return table[last]!;
  const i = Math.floor(x);
  return table[i]! + (table[i + 1]! - table[i]!) * (x - i);
}

/**
 * Fits the table from labelled pairs: per class, the observed share of true pairs per bin (with a weak prior
 * towards the logistic, so sparse bins stay sane), made monotone by pool-adjacent-violators weighted by counts.
 */
export function fitCalibration(
  samples: Iterable<{ evidence: number; cls: CalibrationClass; same: boolean }>,
  from = -30,
  to = 60,
  step = 1,
): Calibration {
  const bins = Math.round((to - from) / step) + 1;
  const counts = CLASSES.map(() => ({ n: new Float64Array(bins), t: new Float64Array(bins) }));
  for (const s of samples) {
    const c = counts[CLASSES.indexOf(s.cls)]!;
    const i = Math.max(0, Math.min(bins - 1, Math.round((s.evidence - from) / step)));
    c.n[i]! += 1;
    if (s.same) c.t[i]! += 1;
  }
  const table = (k: number): number[] => {
    const { n, t } = counts[k]!;
    const prior = 2;
    // The weak prior: the logistic of the evidence with a typical candidate pair's prior odds (1 in 64).
    const share = Array.from({ length: bins }, (_, i) => {
      const p0 = logistic(from + i * step - 6);
      return (t[i]! + prior * p0) / (n[i]! + prior);
    });
    const weights = Array.from({ length: bins }, (_, i) => n[i]! + prior);
    const out = isotonic(share, weights);
    return out.map((p) => Math.round(Math.min(k === 2 ? CONFLICT_CEILING : 0.9999, p) * 1e6) / 1e6);
  };
  return { from, step, clear: table(0), email: table(1), conflict: table(2) };
}

/** Pool-adjacent-violators: the closest non-decreasing sequence in weighted least squares. */
export function isotonic(values: readonly number[], weights: readonly number[]): number[] {
  const level: number[] = [];
  const weight: number[] = [];
  const size: number[] = [];
  for (let i = 0; i < values.length; i++) {
    level.push(values[i]!);
    weight.push(weights[i]!);
    size.push(1);
    while (level.length > 1 && level[level.length - 2]! > level[level.length - 1]!) {
      const w = weight[weight.length - 2]! + weight[weight.length - 1]!;
      const v =
        (level[level.length - 2]! * weight[weight.length - 2]! +
          level[level.length - 1]! * weight[weight.length - 1]!) /
        w;
      const s = size[size.length - 2]! + size[size.length - 1]!;
      level.splice(-2, 2, v);
      weight.splice(-2, 2, w);
      size.splice(-2, 2, s);
    }
  }
  const out: number[] = [];
  for (let b = 0; b < level.length; b++) for (let k = 0; k < size[b]!; k++) out.push(level[b]!);
  return out;
}
