import { afterEach, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { generateCandidates } from '../../../app/detect/blocking';
import { detect, featuresOf } from '../../../app/detect/engine';
import { buildModel } from '../../../app/detect/model';
import { scoreRange, type ScoredColumns } from '../../../app/detect/scoring';
import {
  scoreCandidates,
  scoreInThread,
  startScoringHelper,
  type HelperAnswer,
  type ScoreTask,
} from '../../../app/detect/scoring-threads';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { useDetectWorkerFile } from '../../../app/detect/threads';
import type { DetectRecord } from '../../../app/detect/types';

const settings = defaultDetectSettings();
const GIVEN = ['Ann', 'Anna', 'Bill', 'William', 'Grace', 'Tom', 'Thomas', 'Zoë'];
const FAMILY = ['Lee', 'Li', 'Smith', 'Smyth', 'Garcia', 'Nguyen'];

/** Crowded names, shared phones and emails: many candidates, with duplicates among them. */
function crowd(n: number): DetectRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const given = GIVEN[k % GIVEN.length]!;
    const family = FAMILY[Math.floor(k / 7) % FAMILY.length]!;
    const person = Math.floor(k / 2);
    return {
      id: String(k + 1),
      givenName: given,
      familyName: family,
      emails: [`${given}.${family}${person % 97}@example.org`],
      phones: [`+1415555${String(1000 + (person % 900))}`],
      addresses: [{ line1: `${(person % 50) + 1} Main St`, postcode: String(90000 + (person % 40)) }],
    };
  });
}

/** The kept pairs of every chunk, in order, as comparable rows. */
function rows(chunks: readonly ScoredColumns[]): string[] {
  return chunks.flatMap((c) =>
    Array.from(
      { length: c.count },
      (_, k) =>
        `${c.a[k]}-${c.b[k]} ${c.probability[k]} ${c.weight[k]} ${c.flags[k]} ${c.rule[k]} ` +
        `${c.levels.subarray(k * 10, k * 10 + 10).join(',')}`,
    ),
  );
}

afterEach(() => useDetectWorkerFile(null));

describe('scoring on two threads', () => {
  const features = featuresOf(crowd(1500), 'US');
  const model = buildModel(features);
  const setup = { features, model, settings, keepFrom: 0.05 };
  const candidates = generateCandidates(features, { maxBlockSize: settings.maxBlockSize });

  it('the helper side rebuilds the same model and scores the chunks it claims as this thread would', () => {
    expect(candidates.pairs.length).toBeGreaterThan(5000);
    const { port1, port2 } = new MessageChannel();
    const control = new SharedArrayBuffer(12);
    const pairs = new SharedArrayBuffer(candidates.pairs.byteLength);
    new Float64Array(pairs).set(candidates.pairs);
    const rules = new SharedArrayBuffer(candidates.rules.byteLength);
    new Uint8Array(rules).set(candidates.rules);
    const task: ScoreTask = {
      kind: 'score',
      features,
      pairs,
      rules,
      chunk: 700,
      calibration: undefined,
      settings,
      keepFrom: 0.05,
      control,
      port: port2,
    };
    // Nothing else claims chunks here: the helper scores them all.
    scoreInThread(task);
    const answer = receiveMessageOnPort(port1)?.message as HelperAnswer;
    port1.close();
    expect('columns' in answer).toBe(true);
    const chunkCount = Math.ceil(candidates.pairs.length / 700);
    expect(answer.chunks).toEqual(Array.from({ length: chunkCount }, (_, c) => c));
    const alone = scoreRange(setup, candidates.pairs, candidates.rules, 0, candidates.pairs.length);
    expect(rows((answer as { columns: ScoredColumns[] }).columns)).toEqual(rows([alone]));
    expect(new Int32Array(control)[2]).toBe(chunkCount);
  });

  it('gives the same pairs, in the same order, with a helper thread as without', () => {
    const one = scoreCandidates(setup, candidates.pairs, candidates.rules);
    expect(one.helperChunks).toBe(0);
    useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
    const helper = startScoringHelper(
      features,
      candidates,
      { settings, keepFrom: 0.05, calibration: undefined },
      { candidates: 0, perRecord: 0, chunk: 500 },
    );
    expect(helper).not.toBeNull();
    const two = scoreCandidates(setup, candidates.pairs, candidates.rules, { helper });
    helper!.stop();
    expect(two.chunks).toHaveLength(Math.ceil(candidates.pairs.length / 500));
    expect(rows(two.chunks)).toEqual(rows(one.chunks));
  }, 60_000);

  it('starts no helper for a list with few candidates', () => {
    useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
    const setupOf = { settings, keepFrom: 0.05, calibration: undefined };
    expect(startScoringHelper(features, candidates, setupOf)).toBeNull();
    // Nor when its copy of the records would take the process past the memory limit.
    const everyList = { candidates: 0, perRecord: 0 };
    expect(startScoringHelper(features, candidates, setupOf, { ...everyList, memoryLimit: 0 })).toBeNull();
    const result = detect(crowd(40), { settings });
    expect(result.stats.scoringThreads).toBe(1);
  });
});
