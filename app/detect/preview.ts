import type { Db } from '../store/database';
import { formGroups } from './engine';
import { FIELDS } from './compare';
import type { DetectSettings } from './settings';
import type { Lane } from './types';
import { storedPairsForPreview } from './store';

export interface PreviewCounts {
  readonly groups: number;
  readonly pairs: number;
  readonly lanes: Record<Lane, number>;
}

/**
 * Groups and lanes as they would be with other settings, from the stored pairs (no re-scan): field weights
 * re-weigh each pair's stored contributions, thresholds move the groups. Runs in a detect worker: at a million
 * contacts the stored pairs take seconds to regroup.
 */
export function previewFrom(db: Db, stored: DetectSettings, settings: DetectSettings): PreviewCounts {
  const rows = storedPairsForPreview(db);
  const reweigh = FIELDS.some((f) => settings.fieldWeights[f.name] !== stored.fieldWeights[f.name]);
  const scores = new Map<string, number>();
  const pairs = rows.map(([a, b, score, weight, flags, contributions]) => {
    let probability = score;
    if (reweigh) {
      let w = weight;
      for (const [k, , c] of JSON.parse(contributions) as [number, number, number][]) {
        const name = FIELDS[k]?.name;
        if (!name) continue;
        const old = stored.fieldWeights[name];
        if (old > 0) w += c * (settings.fieldWeights[name] / old - 1);
      }
      probability = 1 / (1 + Math.pow(2, -w));
    }
    scores.set(`${a}:${b}`, probability);
    return { a, b, probability, flags };
  });
  const { groups } = formGroups(
    pairs,
    settings.reviewThreshold,
    settings.threshold,
    (i, j) => scores.get(`${Math.min(i, j)}:${Math.max(i, j)}`) ?? 0,
  );
  const lanes: Record<Lane, number> = { safe: 0, needs_choice: 0, maybe_two_people: 0 };
  for (const g of groups) lanes[g.lane] += 1;
  return { groups: groups.length, pairs: groups.reduce((n, g) => n + g.edges.length, 0), lanes };
}
