import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { buildModel } from './model';
import { columnBuffers, scoreRange, type ScoredColumns, type ScoringSetup } from './scoring';
import { detectWorkerFile } from './threads';
import type { Calibration } from './calibration';
import type { DetectSettings } from './settings';
import type { Features } from './types';

/**
 * Scoring on both cores. A helper thread is started with the records as detection begins, and builds its own copy
 * of the model (the same: the model is a deterministic function of the records) while this thread builds the model
 * and blocks. The candidates then go to it in shared memory, and both threads claim chunks of them from a shared
 * counter, so they share the work whatever the helper's start-up time, and each chunk's pairs come back in
 * candidate order. The caller waits for the helper synchronously (`Atomics.wait`), so detection keeps its
 * synchronous entry points. The helper runs in the detect worker built from `worker.ts`; where there is none (a
 * test runner) the calling thread scores everything.
 */
const CHUNK = 8192;
/**
 * Lists from this size get a helper. Sending the records costs this thread about 4 µs a record (structured
 * clone), a fraction of the scoring a list this size brings; smaller lists are scored before a helper could start.
 */
export const HELPER_FROM = 50_000;

/** control[0]: next chunk to claim; control[1]: the helper's state; control[2]: chunks the helper has scored. */
const NEXT = 0;
const STATE = 1;
const BEAT = 2;
/** A helper that scores no chunk for this long has died (out of memory): its chunks are scored here instead. */
const SILENT_LIMIT_MS = 30_000;
const NOT_STARTED = 0;
const JOINED = 1;
const SHUT_OUT = 2;
const FINISHED = 3;

export interface ScoreTask {
  readonly kind: 'score';
  readonly features: readonly Features[];
  /** As `buildModel` takes it (undefined: the shipped table). */
  readonly calibration: Calibration | null | undefined;
  readonly settings: DetectSettings;
  readonly keepFrom: number;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** Sent once blocking is done. */
export interface CandidatesMessage {
  readonly pairs: SharedArrayBuffer;
  readonly rules: SharedArrayBuffer;
  /** Pairs per chunk. */
  readonly chunk: number;
}

export type HelperAnswer =
  { chunks: number[]; columns: ScoredColumns[] } | { chunks: number[]; error: string };

export interface ScoreOptions {
  readonly signal?: { throwIfAborted(): void };
  readonly onProgress?: (done: number, total: number) => void;
  /** From `startScoringHelper`; without one this thread scores everything. */
  readonly helper?: ScoringHelper | null;
  /** Pairs per chunk (default 8192). */
  readonly chunk?: number;
}

export interface ScoreOutcome {
  /** Kept pairs of each chunk, in candidate order. */
  readonly chunks: ScoredColumns[];
  /** Chunks the helper thread scored (0 without one). */
  readonly helperChunks: number;
}

export function scoreCandidates(
  setup: ScoringSetup,
  pairs: Float64Array,
  rules: Uint8Array,
  options: ScoreOptions = {},
): ScoreOutcome {
  const total = pairs.length;
  const chunk = options.chunk ?? CHUNK;
  const chunkCount = Math.ceil(total / chunk);
  const results = new Array<ScoredColumns | undefined>(chunkCount);
  const helper = options.helper ?? null;
  helper?.send(pairs, rules, chunk);
  const control = helper?.control ?? new Int32Array(3);
  const scoreChunk = (c: number) => {
    results[c] = scoreRange(setup, pairs, rules, c * chunk, Math.min(total, (c + 1) * chunk));
  };
  try {
    for (let c = Atomics.add(control, NEXT, 1); c < chunkCount; c = Atomics.add(control, NEXT, 1)) {
      options.signal?.throwIfAborted();
      scoreChunk(c);
      if (c % 16 === 15) options.onProgress?.(Math.min(total, (c + 1) * chunk), total);
    }
  } catch (error) {
    if (helper) Atomics.store(control, NEXT, chunkCount);
    helper?.stop();
    throw error;
  }
  let helperChunks = 0;
  if (helper) {
    const answer = helper.finish();
    if (answer && 'columns' in answer)
      answer.chunks.forEach((c, k) => {
        results[c] = answer.columns[k]!;
        helperChunks += 1;
      });
  }
  // Chunks a failed helper had claimed are scored here.
  for (let c = 0; c < chunkCount; c++) if (!results[c]) scoreChunk(c);
  return { chunks: results as ScoredColumns[], helperChunks };
}

export interface ScoringHelper {
  readonly control: Int32Array;
  /** Hands the helper the candidates to claim chunks of. */
  send(pairs: Float64Array, rules: Uint8Array, chunk: number): void;
  /** Waits for the helper's chunks (null when it never joined, or stopped without an answer). */
  finish(): HelperAnswer | null;
  stop(): void;
}

/** A helper thread for scoring these records' candidates, or null (small list, no detect worker). */
export function startScoringHelper(
  features: readonly Features[],
  setup: { settings: DetectSettings; keepFrom: number; calibration: Calibration | null | undefined },
  from = HELPER_FROM,
): ScoringHelper | null {
  if (features.length < from) return null;
  const location = detectWorkerFile();
  if (!location) return null;
  const controlBuffer = new SharedArrayBuffer(12);
  const control = new Int32Array(controlBuffer);
  const { port1, port2 } = new MessageChannel();
  const task: ScoreTask = { kind: 'score', features, ...setup, control: controlBuffer, port: port2 };
  const worker = new Worker(location.file, {
    workerData: task,
    execArgv: location.execArgv,
    transferList: [port2],
  });
  // Its failures are answered through `control` (or leave the chunks to this thread); none may go unhandled.
  worker.on('error', () => undefined);
  worker.unref();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    port1.close();
    void worker.terminate();
  };
  return {
    control,
    stop,
    send(pairs, rules, chunk) {
      const sharedPairs = new SharedArrayBuffer(pairs.byteLength);
      new Float64Array(sharedPairs).set(pairs);
      const sharedRules = new SharedArrayBuffer(rules.byteLength);
      new Uint8Array(sharedRules).set(rules);
      port1.postMessage({ pairs: sharedPairs, rules: sharedRules, chunk } satisfies CandidatesMessage);
    },
    finish() {
      // Not started yet: it finds the chunks gone and stops; nothing to wait for.
      if (Atomics.compareExchange(control, STATE, NOT_STARTED, SHUT_OUT) === NOT_STARTED) {
        stop();
        return null;
      }
      let beat = Atomics.load(control, BEAT);
      let silentSince = performance.now();
      while (Atomics.load(control, STATE) !== FINISHED) {
        Atomics.wait(control, STATE, JOINED, 500);
        const now = performance.now();
        if (Atomics.load(control, BEAT) !== beat) {
          beat = Atomics.load(control, BEAT);
          silentSince = now;
        } else if (now - silentSince > SILENT_LIMIT_MS) break;
      }
      const answer = receiveMessageOnPort(port1)?.message as HelperAnswer | undefined;
      stop();
      return answer ?? null;
    },
  };
}

/**
 * The helper's side (in the detect worker): build the model while the caller blocks, then claim chunks of the
 * candidates until none is left.
 */
export async function scoreInThread(task: ScoreTask): Promise<void> {
  const control = new Int32Array(task.control);
  const model = buildModel(task.features, undefined, task.calibration);
  const setup: ScoringSetup = {
    features: task.features,
    model,
    settings: task.settings,
    keepFrom: task.keepFrom,
  };
  const candidates = await new Promise<CandidatesMessage | null>((resolve) => {
    task.port.once('message', (m: CandidatesMessage) => resolve(m));
    task.port.once('close', () => resolve(null));
  });
  try {
    if (!candidates) return;
    if (Atomics.compareExchange(control, STATE, NOT_STARTED, JOINED) !== NOT_STARTED) return;
    const pairs = new Float64Array(candidates.pairs);
    const rules = new Uint8Array(candidates.rules);
    const { chunk } = candidates;
    const chunkCount = Math.ceil(pairs.length / chunk);
    const chunks: number[] = [];
    const columns: ScoredColumns[] = [];
    try {
      for (let c = Atomics.add(control, NEXT, 1); c < chunkCount; c = Atomics.add(control, NEXT, 1)) {
        chunks.push(c);
        columns.push(scoreRange(setup, pairs, rules, c * chunk, Math.min(pairs.length, (c + 1) * chunk)));
        Atomics.add(control, BEAT, 1);
      }
      task.port.postMessage({ chunks, columns } satisfies HelperAnswer, columns.flatMap(columnBuffers));
    } catch (error) {
      task.port.postMessage({ chunks, error: String(error) } satisfies HelperAnswer);
    }
  } finally {
    // Joined or not, the caller may stop waiting now.
    if (Atomics.load(control, STATE) === JOINED) Atomics.store(control, STATE, FINISHED);
    Atomics.notify(control, STATE);
    task.port.close();
  }
}
