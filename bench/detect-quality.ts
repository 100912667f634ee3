import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parseContactsCsv } from '../app/detect/csv';
import { detect, formGroups, type DetectResult } from '../app/detect/engine';
import { defaultDetectSettings, type DetectSettings } from '../app/detect/settings';
import { scorePair } from '../app/detect/model';
import type { DetectRecord } from '../app/detect/types';

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

export interface Quality {
  readonly set: string;
  readonly records: number;
  readonly comparisons: number;
  readonly truePairs: number;
  readonly predicted: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly reviewPairs: number;
  readonly reviewPrecision: number;
  readonly reviewRecall: number;
  readonly lanes: Record<string, number>;
  readonly millis: number;
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

export function evaluate(
  set: LabelledSet,
  settings: DetectSettings = defaultDetectSettings(),
): Quality & { result: DetectResult } {
  const t0 = performance.now();
  const result = detect(set.records, { settings, linkage: set.linkage });
  const millis = performance.now() - t0;
  const truePairs = truePairCount(set.truth, set.records, set.linkage);
  const score = (i: number, j: number) =>
    scorePair(result.features[i]!, result.features[j]!, result.model, settings).probability;
  const atThreshold = formGroups(result.pairs, settings.threshold, settings.threshold, score, () => false);
  const t = pairStats(atThreshold.groups, set);
  const r = pairStats(result.groups, set);
  const precision = t.predicted ? t.correct / t.predicted : 0;
  const recall = truePairs ? t.correct / truePairs : 0;
  const lanes: Record<string, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  for (const g of result.groups) lanes[g.lane]! += 1;
  return {
    set: set.name,
    records: set.records.length,
    comparisons: result.stats.comparisons,
    truePairs,
    predicted: t.predicted,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    reviewPairs: r.predicted,
    reviewPrecision: r.predicted ? r.correct / r.predicted : 0,
    reviewRecall: truePairs ? r.correct / truePairs : 0,
    lanes,
    millis,
    result,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  for (const set of loadSets()) {
    if (only && !set.name.toLowerCase().includes(only.toLowerCase())) continue;
    const q = evaluate(set);
    console.log(
      `${q.set.padEnd(24)} n=${q.records} cmp=${q.comparisons} true=${q.truePairs} pred=${q.predicted} P=${q.precision.toFixed(4)} R=${q.recall.toFixed(4)} F1=${q.f1.toFixed(4)} | review pairs=${q.reviewPairs} P=${q.reviewPrecision.toFixed(4)} R=${q.reviewRecall.toFixed(4)} lanes=${JSON.stringify(q.lanes)} ${Math.round(q.millis)}ms`,
    );
  }
}
