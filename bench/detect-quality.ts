import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parseContactsCsv } from '../app/detect/csv';
import { detect, formGroups, type DetectResult } from '../app/detect/engine';
import { defaultDetectSettings, type DetectSettings } from '../app/detect/settings';
import { scorePair } from '../app/detect/model';
import { IDENTITY_CONFLICT } from '../app/detect/lanes';
import { LANES, type DetectRecord, type Lane } from '../app/detect/types';
import { CRM_SEEDS, crmRecords } from './crm-style/generate';

export const DATA = process.env.MERGEDESK_DATA ?? '/work/shared/data';

export interface LabelledSet {
  readonly name: string;
  readonly records: DetectRecord[];
  /** Entity of each record (same order). */
  readonly truth: string[];
  readonly linkage: boolean;
}

function truthColumn(file: string, column: string): string[] {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, trim: true, bom: true }) as Record<
    string,
    string
  >[];
  return rows.map((r) => r[column] ?? '');
}

const febrlEntity = (id: string) => /^rec-(\d+)-/.exec(id)?.[1] ?? id;

export function loadSets(): LabelledSet[] {
  const sets: LabelledSet[] = [];
  for (const n of ['1', '2', '3']) {
    const file = `${DATA}/febrl/dataset${n}.csv`;
    if (!existsSync(file)) continue;
    const { records } = parseContactsCsv(readFileSync(file, 'utf8'));
    sets.push({ name: `FEBRL ${n}`, records, truth: records.map((r) => febrlEntity(r.id)), linkage: false });
  }
  const a = `${DATA}/febrl/dataset4a.csv`;
  const b = `${DATA}/febrl/dataset4b.csv`;
  if (existsSync(a) && existsSync(b)) {
    const ra = parseContactsCsv(readFileSync(a, 'utf8')).records.map((r) => ({ ...r, source: 'a' }));
    const rb = parseContactsCsv(readFileSync(b, 'utf8')).records.map((r) => ({ ...r, source: 'b' }));
    const records = [...ra, ...rb];
    sets.push({
      name: 'FEBRL 4a<->4b',
      records,
      truth: records.map((r) => febrlEntity(r.id)),
      linkage: true,
    });
  }
  const fake = `${DATA}/splink-fake-1000/fake_1000.csv`;
  if (existsSync(fake)) {
    const { records } = parseContactsCsv(readFileSync(fake, 'utf8'));
    sets.push({ name: 'Splink fake_1000', records, truth: truthColumn(fake, 'cluster'), linkage: false });
  }
  const hist = `${DATA}/splink-historical-figures-50k/historical_figures_with_errors_50k.csv`;
  if (existsSync(hist)) {
    const { records } = parseContactsCsv(readFileSync(hist, 'utf8'), {
      birthday: 'dob',
      city: 'birth_place',
      postcode: 'postcode_fake',
    });
    sets.push({
      name: 'Historical figures 50k',
      records,
      truth: truthColumn(hist, 'cluster'),
      linkage: false,
    });
  }
  return sets;
}

export interface LaneFigures {
  readonly pairs: number;
  readonly correct: number;
  readonly precision: number;
}

export interface CalibrationRow {
  readonly from: number;
  readonly to: number;
  readonly pairs: number;
  readonly truePairs: number;
  /** Observed share of true pairs in the bin. */
  readonly observed: number;
  /** Mean score of the bin's pairs. */
  readonly meanScore: number;
}

export interface Quality {
  readonly set: string;
  readonly records: number;
  readonly comparisons: number;
  readonly truePairs: number;
  /** Every pair inside groups formed from pairs at or above the threshold (the historical figure). */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Pairs a reviewer sees, by the best lane they are shown in. */
  readonly lanes: Record<Lane, LaneFigures>;
  /** Over `safe` + `needs_choice`. */
  readonly decidedPrecision: number;
  readonly decidedRecall: number;
  readonly decidedF1: number;
  /** True pairs shown in any lane (a "may also belong" suggestion counts for its group). */
  readonly surfacedRecall: number;
  readonly groups: Record<Lane, number>;
  readonly largestGroup: number;
  /** Share of the pairs inside groups that sit in groups of ten records or more. */
  readonly bigGroupShare: number;
  readonly calibration: CalibrationRow[];
  readonly millis: number;
  readonly groupingWork: number;
}

function truePairCount(truth: readonly string[], records: readonly DetectRecord[], linkage: boolean): number {
  const bySource = new Map<string, Map<string, number>>();
  for (let i = 0; i < truth.length; i++) {
    const src = linkage ? (records[i]!.source ?? '') : '';
    const m = bySource.get(src) ?? bySource.set(src, new Map()).get(src)!;
    m.set(truth[i]!, (m.get(truth[i]!) ?? 0) + 1);
  }
  if (!linkage) {
    let t = 0;
    for (const c of bySource.get('')!.values()) t += (c * (c - 1)) / 2;
    return t;
  }
  const [x, y] = [...bySource.values()];
  let t = 0;
  for (const [k, c] of x ?? []) t += c * (y?.get(k) ?? 0);
  return t;
}

function pairStats(groups: readonly { members: number[] }[], set: LabelledSet) {
  let predicted = 0;
  let correct = 0;
  for (const g of groups)
    for (let x = 0; x < g.members.length; x++)
      for (let y = x + 1; y < g.members.length; y++) {
        const i = g.members[x]!;
        const j = g.members[y]!;
        if (set.linkage && set.records[i]!.source === set.records[j]!.source) continue;
        predicted += 1;
        if (set.truth[i] === set.truth[j]) correct += 1;
      }
  return { predicted, correct };
}

const LANE_RANK: Record<Lane, number> = { safe: 3, needs_choice: 2, maybe_two_people: 1 };
const RANK_LANE: Lane[] = ['maybe_two_people', 'maybe_two_people', 'needs_choice', 'safe'];
export const CALIBRATION_BINS = [0, 0.05, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.000001];

/** Each shown pair with the best lane it is shown in (a suggestion counts for every member of its group). */
function shownPairs(result: DetectResult, set: LabelledSet): Map<number, number> {
  const n = set.records.length;
  const best = new Map<number, number>();
  const note = (i: number, j: number, rank: number) => {
    if (i === j) return;
    if (set.linkage && set.records[i]!.source === set.records[j]!.source) return;
    const key = i < j ? i * n + j : j * n + i;
    if ((best.get(key) ?? 0) < rank) best.set(key, rank);
  };
  for (const g of result.groups) {
    const rank = LANE_RANK[g.lane];
    for (let x = 0; x < g.members.length; x++)
      for (let y = x + 1; y < g.members.length; y++) note(g.members[x]!, g.members[y]!, rank);
    for (const m of g.members) for (const o of g.alsoBelongsTo) note(m, o, 1);
  }
  return best;
}

export function evaluate(
  set: LabelledSet,
  settings: DetectSettings = defaultDetectSettings(),
): Quality & { result: DetectResult } {
  const t0 = performance.now();
  const result = detect(set.records, { settings, linkage: set.linkage, keepFrom: 0.01 });
  const millis = performance.now() - t0;
  const truePairs = truePairCount(set.truth, set.records, set.linkage);
  const score = (i: number, j: number) =>
    scorePair(result.features[i]!, result.features[j]!, result.model, settings).probability;
  // As before lanes existed: every pair at or above the threshold groups, identity conflicts or not.
  const unflagged = result.pairs.map((p) => ({ ...p, flags: p.flags & ~IDENTITY_CONFLICT }));
  const atThreshold = formGroups(unflagged, settings.threshold, settings.threshold, score, () => false);
  const t = pairStats(atThreshold.groups, set);
  const precision = t.predicted ? t.correct / t.predicted : 0;
  const recall = truePairs ? t.correct / truePairs : 0;
  const laneCounts: Record<Lane, { pairs: number; correct: number }> = {
    safe: { pairs: 0, correct: 0 },
    needs_choice: { pairs: 0, correct: 0 },
    maybe_two_people: { pairs: 0, correct: 0 },
  };
  const n = set.records.length;
  for (const [key, rank] of shownPairs(result, set)) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    const c = laneCounts[RANK_LANE[rank]!];
    c.pairs += 1;
    if (set.truth[i] === set.truth[j]) c.correct += 1;
  }
  const lanes = Object.fromEntries(
    LANES.map((l) => [
      l,
      { ...laneCounts[l], precision: laneCounts[l].pairs ? laneCounts[l].correct / laneCounts[l].pairs : 1 },
    ]),
  ) as Record<Lane, LaneFigures>;
  const dp = laneCounts.safe.pairs + laneCounts.needs_choice.pairs;
  const dc = laneCounts.safe.correct + laneCounts.needs_choice.correct;
  const decidedPrecision = dp ? dc / dp : 0;
  const decidedRecall = truePairs ? dc / truePairs : 0;
  const groups: Record<Lane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  let largestGroup = 0;
  let inGroups = 0;
  let inBig = 0;
  for (const g of result.groups) {
    groups[g.lane] += 1;
    largestGroup = Math.max(largestGroup, g.members.length);
    const pairs = (g.members.length * (g.members.length - 1)) / 2;
    inGroups += pairs;
    if (g.members.length >= 10) inBig += pairs;
  }
  const calibration: CalibrationRow[] = [];
  for (let b = 0; b + 1 < CALIBRATION_BINS.length; b++)
    calibration.push({
      from: CALIBRATION_BINS[b]!,
      to: CALIBRATION_BINS[b + 1]!,
      pairs: 0,
      truePairs: 0,
      observed: 0,
      meanScore: 0,
    });
  for (const p of result.pairs) {
    if (set.linkage && set.records[p.a]!.source === set.records[p.b]!.source) continue;
    const b = CALIBRATION_BINS.findIndex(
      (x, k) => p.probability >= x && p.probability < CALIBRATION_BINS[k + 1]!,
    );
    const row = calibration[b] as { pairs: number; truePairs: number; meanScore: number } | undefined;
    if (!row) continue;
    row.pairs += 1;
    row.meanScore += p.probability;
    if (set.truth[p.a] === set.truth[p.b]) row.truePairs += 1;
  }
  for (const row of calibration as {
    pairs: number;
    truePairs: number;
    meanScore: number;
    observed: number;
  }[]) {
    row.observed = row.pairs ? row.truePairs / row.pairs : 0;
    row.meanScore = row.pairs ? row.meanScore / row.pairs : 0;
  }
  return {
    set: set.name,
    records: set.records.length,
    comparisons: result.stats.comparisons,
    truePairs,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    lanes,
    decidedPrecision,
    decidedRecall,
    decidedF1:
      decidedPrecision + decidedRecall
        ? (2 * decidedPrecision * decidedRecall) / (decidedPrecision + decidedRecall)
        : 0,
    surfacedRecall: truePairs ? (dc + laneCounts.maybe_two_people.correct) / truePairs : 0,
    groups,
    largestGroup,
    bigGroupShare: inGroups ? inBig / inGroups : 0,
    calibration,
    millis,
    groupingWork: result.stats.groupingWork,
    result,
  };
}

/** A CRM-style list at the benchmark's evaluation seed (never the calibration's). */
export function crmSet(rows: number, seed: number = CRM_SEEDS.evaluation): LabelledSet {
  const { records, truth } = crmRecords({ rows, seed });
  return { name: `CRM-style ${rows.toLocaleString('en')}`, records, truth, linkage: false };
}

const f4 = (x: number) => x.toFixed(4);

/** The figures of one data set, as the benchmark prints them. */
export function printQuality(q: Quality, extra = ''): void {
  const l = q.lanes;
  console.log(
    `${q.set}: ${q.records} records, ${q.comparisons} compared, ${q.truePairs} true pairs | ` +
      `precision safe ${f4(l.safe.precision)} (${l.safe.pairs} pairs), needs a choice ${f4(l.needs_choice.precision)} (${l.needs_choice.pairs}), ` +
      `maybe two people ${f4(l.maybe_two_people.precision)} (${l.maybe_two_people.pairs})`,
  );
  console.log(
    `  safe+needs a choice: P ${f4(q.decidedPrecision)} R ${f4(q.decidedRecall)} F1 ${f4(q.decidedF1)} | recall of every lane ${f4(q.surfacedRecall)} | ` +
      `@threshold P ${f4(q.precision)} R ${f4(q.recall)} F1 ${f4(q.f1)} | groups ${JSON.stringify(q.groups)}, largest ${q.largestGroup}, ` +
      `pairs in groups of 10+ ${(q.bigGroupShare * 100).toFixed(2)} % | ${(q.millis / 1000).toFixed(2)} s${extra}`,
  );
  console.log(
    '  calibration (score bin: pairs, observed share of true pairs, mean score): ' +
      q.calibration
        .filter((r) => r.pairs > 0)
        .map(
          (r) =>
            `[${r.from}, ${Math.min(1, r.to)}${r.to > 1 ? ']' : ')'} ${r.pairs} ${f4(r.observed)} ${f4(r.meanScore)}`,
        )
        .join(' | '),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // tsx bench/detect-quality.ts [name filter] | --crm <rows> (one CRM-style list, this process's peak RSS)
  const crm = process.argv.indexOf('--crm');
  if (crm >= 0) {
    const rows = Number(process.argv[crm + 1] ?? 6000);
    const t0 = performance.now();
    const q = evaluate(crmSet(rows));
    const wall = performance.now() - t0;
    const rss = Math.round(process.resourceUsage().maxRSS / 1024);
    printQuality(
      q,
      ` detection, ${(wall / 1000).toFixed(2)} s with generation and scoring, peak RSS ${rss} MB`,
    );
  } else {
    const only = process.argv[2];
    for (const set of loadSets()) {
      if (only && !set.name.toLowerCase().includes(only.toLowerCase())) continue;
      printQuality(evaluate(set));
    }
  }
}
