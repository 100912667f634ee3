/**
 * Worker-thread entry for detection: a scan (its own connection to the workspace cache; WAL lets the UI keep
 * reading), a CSV analysis, a settings preview, the second thread scoring a detection's candidate pairs, or the
 * writer of a full scan's blocking keys.
 * Cancellation is a shared flag the task checks between steps.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, toErrorShape } from '../domain/errors';
import type { ScanJob } from './run';
import type { ScoreTask } from './scoring-threads';
import type { ScanWriteTask } from './scan-writer';
import type { DetectSettings } from './settings';
import type { WorkerMessage } from './threads';

type Task =
  | ({ kind?: 'scan' } & ScanJob & { cancel: SharedArrayBuffer })
  | {
      kind: 'csv-analyse';
      bytes: Uint8Array;
      settings: DetectSettings;
      map?: Record<string, string>;
      linkage?: boolean;
      maxBytes?: number;
      cancel?: SharedArrayBuffer;
    }
  | { kind: 'preview'; dbFile: string; stored: DetectSettings; settings: DetectSettings }
  | ScoreTask
  | ScanWriteTask;

const task = workerData as Task;
const post = (m: WorkerMessage) => parentPort?.postMessage(m);
const progress = (phase: string, done: number, total: number | null) =>
  post({ type: 'progress', phase, done, total });
const cancelFlag = 'cancel' in task && task.cancel ? new Int32Array(task.cancel) : null;
const signal = {
  throwIfAborted() {
    if (cancelFlag && Atomics.load(cancelFlag, 0) === 1)
      throw new AppError('CANCELLED', 'The analysis was cancelled.');
  },
};

/** Work left for after the answer is posted: a scan's checkpoint and the closing of its connection. */
let afterAnswer: (() => void) | null = null;

/**
 * Each task loads only the modules it runs: a thread that scores pairs starts without the
 * database, the scan and what they import (unbundled, a large part of such a thread's start-up).
 */
async function run(): Promise<unknown> {
  switch (task.kind) {
    case 'csv-analyse': {
      const { analyseCsv } = await import('./csv');
      return analyseCsv(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength), {
        settings: task.settings,
        ...(task.map ? { map: task.map } : {}),
        ...(task.linkage ? { linkage: true } : {}),
        ...(task.maxBytes !== undefined ? { maxBytes: task.maxBytes } : {}),
        totalBytes: task.bytes.byteLength,
        signal,
        onProgress: progress,
      });
    }
    case 'score': {
      const { scoreInThread } = await import('./scoring-threads');
      // Answers through the task's own port; the caller waits on shared memory, not on this message.
      return scoreInThread(task);
    }
    case 'write-scan': {
      const { writeScanInThread } = await import('./scan-writer');
      return writeScanInThread(task);
    }
    case 'preview': {
      const [{ openDatabase }, { previewFrom }] = await Promise.all([
        import('../store/database'),
        import('./preview'),
      ]);
      const db = openDatabase(task.dbFile);
      try {
        return previewFrom(db, task.stored, task.settings);
      } finally {
        db.close();
      }
    }
    default: {
      const [{ openScanConnection, closeScanConnection }, { runScan }] = await Promise.all([
        import('./scan-connection'),
        import('./run'),
      ]);
      const db = openScanConnection(task.dbFile);
      afterAnswer = () => closeScanConnection(db);
      return runScan(db, task, {
        isCancelled: () => cancelFlag !== null && Atomics.load(cancelFlag, 0) === 1,
        progress,
      });
    }
  }
}

run()
  .then(
    (result) => post({ type: 'done', result }),
    (error: unknown) => {
      const shape = toErrorShape(error);
      post({ type: 'error', error: { code: shape.code, message: shape.message } });
    },
  )
  .finally(() => afterAnswer?.());
