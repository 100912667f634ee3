import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { buildModel } from './model';
import { columnBuffers, scoreRange, type ScoredColumns, type ScoringSetup } from './scoring';
import { detectWorkerFile } from './threads';
import { waitWhileBusy } from './thread-wait';
import type { Calibration } from './calibration';
import type { DetectSettings } from './settings';
import type { Features } from './types';

/**
 * Scoring on both cores. Once blocking has found many candidates per record, a helper thread is started with the
 * records and the candidates (in shared memory); it builds its own copy of the model (the same: the model is a
 * deterministic function of the records) while this thread builds its own, then both claim chunks of the
 * candidates from a shared counter, so they share the work whatever the helper's start-up time, and each chunk's
 * pairs come back in candidate order. The caller waits for the helper synchronously (`Atomics.wait`), so detection
 * keeps its synchronous entry points. The helper runs in the detect worker built from `worker.ts`; where there is
 * none (a test runner) the calling thread scores everything.
 */
const CHUNK = 8192;
/**
 * When a helper pays. It never saves CPU: the records' structured clone (both ends) and the helper's own model
 * cost about what scoring five candidates does per record, on top of the scoring it takes over. What it can buy is
 * wall time on an otherwise idle second core, which it only recovers once it has half of a long scoring phase to
 * take: about ten candidates per record. At 500k CRM-style rows (7.3 per record), run back to back with one thread
 * alone on two shared cores, it cost 10–11 s more CPU (63–68 s against 53–58 s) and 510–560 MB more peak RSS, and
 * finished later both times. A workspace with a fraction of a candidate per record is far from it.
 */
export const HELPER_WHEN = { candidates: 500_000, perRecord: 12 };
/**
 * The helper holds its own copy of the records: about 1.1 KB a record (measured at 500k CRM-style rows: +520 to
 * +560 MB of peak RSS). It is not started when that would take the process past this size (the 2 GB budget of
 * the largest CSV analysis): past it, memory is the scarcer of the two.
 */
export const HELPER_MEMORY = { bytesPerRecord: 1100, limit: 2 * 1024 ** 3 };

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
  readonly pairs: SharedArrayBuffer;
  readonly rules: SharedArrayBuffer;
  /** Pairs per chunk. */
  readonly chunk: number;
  /** As `buildModel` takes it (undefined: the shipped table). */
  readonly calibration: Calibration | null | undefined;
  readonly settings: DetectSettings;
  readonly keepFrom: number;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

export type HelperAnswer =
  { chunks: number[]; columns: ScoredColumns[] } | { chunks: number[]; error: string };

export interface ScoreOptions {
  readonly signal?: { throwIfAborted(): void };
  readonly onProgress?: (done: number, total: number) => void;
  /** From `startScoringHelper` for the same candidates; without one this thread scores everything. */
  readonly helper?: ScoringHelper | null;
  /** Each chunk's kept pairs as soon as they are in: this thread's as it scores them, the helper's at its end. */
  readonly onChunk?: (chunk: number, columns: ScoredColumns) => void;
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
  const chunk = options.helper?.chunk ?? CHUNK;
  const chunkCount = Math.ceil(total / chunk);
  const results = new Array<ScoredColumns | undefined>(chunkCount);
  const helper = options.helper ?? null;
  const control = helper?.control ?? new Int32Array(3);
  const settle = (c: number, columns: ScoredColumns) => {
    results[c] = columns;
    options.onChunk?.(c, columns);
  };
  const scoreChunk = (c: number) =>
    settle(c, scoreRange(setup, pairs, rules, c * chunk, Math.min(total, (c + 1) * chunk)));
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
        settle(c, answer.columns[k]!);
        helperChunks += 1;
      });
  }
  // Chunks a failed helper had claimed are scored here.
  for (let c = 0; c < chunkCount; c++) if (!results[c]) scoreChunk(c);
  return { chunks: results as ScoredColumns[], helperChunks };
}

export interface ScoringHelper {
  readonly control: Int32Array;
  readonly chunk: number;
  /** Waits for the helper's chunks (null when it never joined, or stopped without an answer). */
  finish(): HelperAnswer | null;
  stop(): void;
}

/** A helper thread for scoring these candidates, or null (few candidates, no detect worker). */
export function startScoringHelper(
  features: readonly Features[],
  candidates: { readonly pairs: Float64Array; readonly rules: Uint8Array },
  setup: { settings: DetectSettings; keepFrom: number; calibration: Calibration | null | undefined },
  when: { candidates: number; perRecord: number; chunk?: number; memoryLimit?: number } = HELPER_WHEN,
): ScoringHelper | null {
  const count = candidates.pairs.length;
  if (count < when.candidates || count < when.perRecord * features.length) return null;
  const memoryAfter = process.memoryUsage().rss + features.length * HELPER_MEMORY.bytesPerRecord;
  if (memoryAfter > (when.memoryLimit ?? HELPER_MEMORY.limit)) return null;
  const location = detectWorkerFile();
  if (!location) return null;
  const chunk = when.chunk ?? CHUNK;
  const pairs = new SharedArrayBuffer(candidates.pairs.byteLength);
  new Float64Array(pairs).set(candidates.pairs);
  const rules = new SharedArrayBuffer(candidates.rules.byteLength);
  new Uint8Array(rules).set(candidates.rules);
  const controlBuffer = new SharedArrayBuffer(12);
  const control = new Int32Array(controlBuffer);
  const { port1, port2 } = new MessageChannel();
  const task: ScoreTask = {
    kind: 'score',
    features,
    pairs,
    rules,
    chunk,
    ...setup,
    control: controlBuffer,
    port: port2,
  };
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
    chunk,
    stop,
    finish() {
      // Not started yet: it finds the chunks gone and stops; nothing to wait for.
      if (Atomics.compareExchange(control, STATE, NOT_STARTED, SHUT_OUT) === NOT_STARTED) {
        stop();
        return null;
      }
      // Joined (it could not be shut out): it works until FINISHED.
      waitWhileBusy(control, { state: STATE, beat: BEAT }, JOINED, SILENT_LIMIT_MS, 500);
      const answer = receiveMessageOnPort(port1)?.message as HelperAnswer | undefined;
      stop();
      return answer ?? null;
    },
  };
}

/**
 * The helper's side (in the detect worker): build the model while the caller builds its own, then claim chunks of
 * the candidates until none is left.
 */
export function scoreInThread(task: ScoreTask): void {
  const control = new Int32Array(task.control);
  try {
    const model = buildModel(task.features, undefined, task.calibration);
    const setup: ScoringSetup = {
      features: task.features,
      model,
      settings: task.settings,
      keepFrom: task.keepFrom,
    };
    if (Atomics.compareExchange(control, STATE, NOT_STARTED, JOINED) !== NOT_STARTED) return;
    const pairs = new Float64Array(task.pairs);
    const rules = new Uint8Array(task.rules);
    const { chunk } = task;
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
