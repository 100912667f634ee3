import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Db } from '../store/database';
import { openDatabase } from '../store/database';
import { insertKeys } from './scan-store';
import { scanThreadWorkerFile } from './threads';
import { waitWhileBusy } from './thread-wait';

/**
 * A full scan's blocking keys (about fifteen a contact: the scan's largest write) are stored by a second thread
 * with its own connection while this one scores and groups, so the write costs the other core's time instead of
 * this one's. The keys are plain numbers that move to the writer without a copy. The scan waits for the writer
 * (`Atomics.wait`, so the scan keeps its synchronous entry points) before its own transaction, which needs the
 * write lock the writer holds while it works. A writer that fails or falls silent is given up on, and the scan
 * stores the keys itself. The writer runs in the detect worker built from `worker.ts`; where there is none (a
 * test runner) or the workspace has no file (in memory), the scan writes the keys on its own thread.
 */
export interface KeyWriteTask {
  readonly kind: 'write-keys';
  readonly dbFile: string;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

interface KeyBatch {
  readonly keys?: Float64Array;
  readonly pks?: Float64Array;
  readonly end?: true;
}

/** Below this many contacts the keys are stored in less time than a thread takes to start. */
export const KEY_WRITER_WHEN = 20_000;

/** control[0]: batches stored; control[1]: the writer's state. */
const STORED = 0;
const STATE = 1;
const RUNNING = 0;
const DONE = 1;
const FAILED = 2;
/** A writer that stores no batch for this long (one batch is one rule's keys: a second or two at 1M) is dead. */
const SILENT_LIMIT_MS = 60_000;

export interface KeyWriter {
  /** Hands one batch of keys and their contacts' pks to the writer; both arrays move and must not be used after. */
  write(keys: Float64Array, pks: Float64Array): void;
  /** Waits until every batch handed over is stored; false when the writer failed (what it stored is partial). */
  finish(): boolean;
  /** Ends the writer wherever it is (a cancelled scan). */
  stop(): void;
}

export function startKeyWriter(db: Db): KeyWriter | null {
  const worker = scanThreadWorkerFile();
  if (!worker || db.memory || !db.name) return null;
  const control = new SharedArrayBuffer(8);
  const state = new Int32Array(control);
  const { port1, port2 } = new MessageChannel();
  const task: KeyWriteTask = { kind: 'write-keys', dbFile: db.name, control, port: port2 };
  const thread = new Worker(worker.file, {
    workerData: task,
    transferList: [port2],
    execArgv: worker.execArgv,
  });
  // An error is read from the shared state; the listener only keeps an uncaught one from ending the process.
  thread.on('error', () => undefined);
  thread.unref();
  let sent = 0;
  return {
    write(keys, pks) {
      sent += 1;
      const batch: KeyBatch = { keys, pks };
      port1.postMessage(batch, [keys.buffer as ArrayBuffer, pks.buffer as ArrayBuffer]);
    },
    finish() {
      const end: KeyBatch = { end: true };
      port1.postMessage(end);
      waitWhileBusy(state, { state: STATE, beat: STORED }, RUNNING, SILENT_LIMIT_MS, 250);
      const ok = Atomics.load(state, STATE) === DONE && Atomics.load(state, STORED) === sent;
      port1.close();
      if (!ok) void thread.terminate();
      return ok;
    },
    stop() {
      port1.close();
      void thread.terminate();
    },
  };
}

/** The writer's side, in the detect worker: each batch in its own transaction, in the order they were sent. */
export function writeKeysInThread(task: KeyWriteTask): Promise<void> {
  const state = new Int32Array(task.control);
  const fail = () => {
    Atomics.store(state, STATE, FAILED);
    Atomics.notify(state, STATE);
  };
  let db: Db;
  try {
    db = openDatabase(task.dbFile);
  } catch (error) {
    fail();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  return new Promise((resolve, reject) => {
    const store = db.transaction((keys: Float64Array, pks: Float64Array) =>
      insertKeys(
        db,
        (function* () {
          for (let t = 0; t < keys.length; t++) yield [keys[t]!, pks[t]!] as const;
        })(),
      ),
    );
    task.port.on('message', (batch: KeyBatch) => {
      try {
        if (batch.end) {
          db.close();
          task.port.close();
          Atomics.store(state, STATE, DONE);
          Atomics.notify(state, STATE);
          resolve();
          return;
        }
        store(batch.keys!, batch.pks!);
        Atomics.add(state, STORED, 1);
        Atomics.notify(state, STATE);
      } catch (error) {
        fail();
        task.port.close();
        if (db.open) db.close();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
