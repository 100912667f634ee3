import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Db } from '../store/database';
import { openDatabase } from '../store/database';
import type { TermCountTable } from './scan-store';
import { batchBuffers, ScanOutput, type OutputEnd, type OutputStart, type PairBatch } from './scan-output';
import { scanThreadWorkerFile } from './threads';
import { waitWhileBusy } from './thread-wait';

/**
 * A full scan's writes go to a second thread with its own connection, so they cost the other core's time instead
 * of this one's: the blocking keys (about fifteen a contact: the scan's largest write) while this thread blocks
 * and builds the model, then the value counts, the members' reads and the kept pairs while it scores, and the
 * output transaction (see `ScanOutput`): the pairs while it forms the groups, then the groups. Everything handed over is plain numbers and strings; typed arrays move without a copy.
 * The scan waits for the writer (`Atomics.wait`, so the scan keeps its synchronous entry points). A writer that
 * fails or falls silent is given up on, and the scan does what is left itself: the keys it did not store (repeats
 * are skipped) and the whole output. The writer runs in the detect worker built from `worker.ts`; where there is
 * none (a test runner) or the workspace has no file (in memory), the scan writes on its own thread.
 */
export interface ScanWriteTask {
  readonly kind: 'write-scan';
  readonly dbFile: string;
  readonly connectionId: string;
  readonly only: boolean;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

type WriterMessage =
  | { readonly keys: Float64Array; readonly pks: Float64Array }
  | { readonly terms: TermCountTable }
  | { readonly pairs: PairBatch }
  | { readonly begin: OutputStart }
  | { readonly end: OutputEnd | null };

/** Below this many contacts the keys are stored in less time than a thread takes to start. */
export const SCAN_WRITER_WHEN = 20_000;

/** control[0]: messages handled; [1]: the writer's state; [2]: key batches stored; [3]: 1 once the output is. */
const HANDLED = 0;
const STATE = 1;
const KEYS_STORED = 2;
const OUTPUT_STORED = 3;
const RUNNING = 0;
const DONE = 1;
const FAILED = 2;
/**
 * A writer that handles no message for this long is dead. Its longest piece of work is the output transaction:
 * 5–8 s at a million contacts.
 */
const SILENT_LIMIT_MS = 60_000;

export interface ScanWriter {
  /** Hands one batch of keys and their contacts' pks to the writer; both arrays move and must not be used after. */
  keys(keys: Float64Array, pks: Float64Array): void;
  terms(table: TermCountTable): void;
  /** The arrays move and must not be used after. */
  pairs(batch: PairBatch): void;
  /** Every pair is handed over: the writer opens the output transaction and writes them (see `ScanOutput`). */
  begin(start: OutputStart): void;
  /**
   * Hands over the end of the output (null: keys only) and waits until everything handed over is stored. Says
   * what was: when the writer failed, the keys may be partly stored and the output not at all.
   */
  finish(end: OutputEnd | null): { keys: boolean; output: boolean };
  /** Ends the writer wherever it is (a cancelled scan): an open transaction of its is rolled back. */
  stop(): void;
}

export function startScanWriter(
  db: Db,
  scope: { readonly connectionId: string; readonly only: boolean },
): ScanWriter | null {
  const worker = scanThreadWorkerFile();
  if (!worker || db.memory || !db.name) return null;
  const control = new SharedArrayBuffer(16);
  const state = new Int32Array(control);
  const { port1, port2 } = new MessageChannel();
  const task: ScanWriteTask = { kind: 'write-scan', dbFile: db.name, ...scope, control, port: port2 };
  const thread = new Worker(worker.file, {
    workerData: task,
    transferList: [port2],
    execArgv: worker.execArgv,
  });
  // An error is read from the shared state; the listener only keeps an uncaught one from ending the process.
  thread.on('error', () => undefined);
  thread.unref();
  let keyBatches = 0;
  const post = (message: WriterMessage, transfer: ArrayBuffer[] = []) => port1.postMessage(message, transfer);
  return {
    keys(keys, pks) {
      keyBatches += 1;
      post({ keys, pks }, [keys.buffer as ArrayBuffer, pks.buffer as ArrayBuffer]);
    },
    terms(table) {
      post({ terms: table }, [table.field.buffer as ArrayBuffer, table.count.buffer as ArrayBuffer]);
    },
    pairs(batch) {
      post({ pairs: batch }, batchBuffers(batch));
    },
    begin(start) {
      post({ begin: start }, batchBuffers(start));
    },
    finish(end) {
      post({ end }, end ? batchBuffers(end) : []);
      waitWhileBusy(state, { state: STATE, beat: HANDLED }, RUNNING, SILENT_LIMIT_MS, 250);
      const done = Atomics.load(state, STATE) === DONE;
      const stored = {
        keys: Atomics.load(state, KEYS_STORED) === keyBatches,
        output: done && end !== null && Atomics.load(state, OUTPUT_STORED) === 1,
      };
      port1.close();
      if (!done) void thread.terminate();
      return stored;
    },
    stop() {
      port1.close();
      void thread.terminate();
    },
  };
}

/** The writer's side, in the detect worker: each message in the order it was sent. */
export function writeScanInThread(task: ScanWriteTask): Promise<void> {
  const state = new Int32Array(task.control);
  const signal = (cell: number, value: number) => {
    Atomics.store(state, cell, value);
    Atomics.notify(state, STATE);
  };
  let db: Db;
  try {
    db = openDatabase(task.dbFile);
  } catch (error) {
    signal(STATE, FAILED);
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  const output = new ScanOutput(db, task.connectionId, task.only);
  return new Promise((resolve, reject) => {
    task.port.on('message', (message: WriterMessage) => {
      try {
        if ('keys' in message) {
          output.keys(message.keys, message.pks);
          Atomics.add(state, KEYS_STORED, 1);
        } else if ('terms' in message) output.terms(message.terms);
        else if ('pairs' in message) output.pairs(message.pairs);
        else if ('begin' in message) {
          // The scan's own connection checkpoints after its answer (see `openScanConnection`): the commit of the
          // output is not made to wait for it.
          db.pragma('wal_autocheckpoint = 0');
          output.begin(message.begin);
        } else {
          if (message.end) {
            output.finish(message.end);
            Atomics.store(state, OUTPUT_STORED, 1);
          }
          db.close();
          task.port.close();
          signal(STATE, DONE);
          resolve();
          return;
        }
        Atomics.add(state, HANDLED, 1);
        Atomics.notify(state, STATE);
      } catch (error) {
        task.port.close();
        if (db.open) db.close();
        signal(STATE, FAILED);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
