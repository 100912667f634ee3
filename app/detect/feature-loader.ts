import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { CountryCode } from 'libphonenumber-js/min';
import type { Db } from '../store/database';
import { openDatabase } from '../store/database';
import { extractFeatures, FeatureMemo } from './features';
import { recordChunks } from './record-reads';
import { scanThreadWorkerFile } from './threads';
import type { Features } from './types';

/**
 * A full scan reads and normalises its records on both cores: a second thread with its own read connection takes
 * the upper half of the pk range while the scan thread takes the lower half, and hands its features over a chunk at
 * a time, so the second thread never holds more than one chunk. Reading and normalising are more than half of a
 * scan of a large list, and the features (plain strings) cost about a tenth of that to pass across. The scan
 * thread drains the chunks synchronously (`Atomics.wait`, so the scan keeps its synchronous entry points) once its
 * own half is done. A loader that fails or falls silent is given up on and the scan reads that half itself. The
 * loader runs in the detect worker built from `worker.ts`; where there is none (a test runner) or the workspace has
 * no file (in memory), the scan reads everything on its own thread.
 */
export interface FeatureLoadTask {
  readonly kind: 'load-features';
  readonly dbFile: string;
  readonly connectionId: string;
  /** Records with a pk in (after, until]. */
  readonly after: number;
  readonly until: number;
  readonly region: string;
  readonly chunk: number;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

export interface LoadedChunk {
  readonly features: Features[];
  readonly pks: number[];
  readonly watermark: string | null;
}

/** control[0]: chunks posted; control[1]: the loader's state (0 while it runs). */
const POSTED = 0;
const STATE = 1;
const DONE = 1;
const FAILED = 2;
/** A loader that posts no chunk for this long (a chunk is a second or two of work) has died. */
const SILENT_LIMIT_MS = 60_000;
/** Below this many records a second thread's start-up costs more than it saves. */
export const LOADER_WHEN = 20_000;

export interface FeatureLoader {
  /** Every chunk of the loader's half, in pk order; null when the loader failed (read that half again). */
  collect(onChunk: (chunk: LoadedChunk) => void): boolean;
  stop(): void;
}

export function startFeatureLoader(
  db: Db,
  range: { connectionId: string; after: number; until: number; region: string; chunk: number },
): FeatureLoader | null {
  const worker = scanThreadWorkerFile();
  if (!worker || db.memory || !db.name) return null;
  const control = new SharedArrayBuffer(8);
  const state = new Int32Array(control);
  const { port1, port2 } = new MessageChannel();
  const task: FeatureLoadTask = { kind: 'load-features', dbFile: db.name, ...range, control, port: port2 };
  const thread = new Worker(worker.file, {
    workerData: task,
    transferList: [port2],
    execArgv: worker.execArgv,
  });
  // Failures are read from the shared state; the listener only keeps an uncaught one from ending the process.
  thread.on('error', () => undefined);
  thread.unref();
  const stop = () => {
    port1.close();
    void thread.terminate();
  };
  return {
    collect(onChunk) {
      let received = 0;
      let since = performance.now();
      for (;;) {
        const message = receiveMessageOnPort(port1);
        if (message) {
          received += 1;
          since = performance.now();
          onChunk(message.message as LoadedChunk);
          continue;
        }
        const posted = Atomics.load(state, POSTED);
        const status = Atomics.load(state, STATE);
        if (received < posted) continue; // posted, not yet delivered to this port
        if (status === DONE) break;
        if (status === FAILED || performance.now() - since > SILENT_LIMIT_MS) {
          stop();
          return false;
        }
        Atomics.wait(state, POSTED, posted, 250);
      }
      stop();
      return true;
    },
    stop,
  };
}

/** The loader's side, in the detect worker. */
export function loadFeaturesInThread(task: FeatureLoadTask): void {
  const state = new Int32Array(task.control);
  const signal = (index: number) => Atomics.notify(state, index);
  let db: Db | null = null;
  try {
    db = openDatabase(task.dbFile, { readonly: true });
    const memo = new FeatureMemo();
    const region = task.region as CountryCode;
    for (const records of recordChunks(db, task.connectionId, task.chunk, task)) {
      const chunk: LoadedChunk = { features: [], pks: [], watermark: null };
      let watermark: string | null = null;
      for (const r of records) {
        chunk.features.push(extractFeatures(r, region, memo));
        chunk.pks.push(r.pk);
        if (r.updatedAt && (!watermark || r.updatedAt > watermark)) watermark = r.updatedAt;
      }
      task.port.postMessage({ ...chunk, watermark });
      Atomics.add(state, POSTED, 1);
      signal(POSTED);
    }
    Atomics.store(state, STATE, DONE);
  } catch {
    Atomics.store(state, STATE, FAILED);
  } finally {
    db?.close();
    task.port.close();
    signal(POSTED);
  }
}
