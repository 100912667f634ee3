import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { AppError } from '../domain/errors';

/**
 * Where detection work runs. Scans, CSV analyses and previews run in `worker_threads` workers built from
 * `app/detect/worker.ts` (dist/node/detect-worker.js), never on a host's main thread (Electron's would freeze the
 * window). A host without the bundled worker is a broken build and says so; only a test runner, which has no
 * bundle, may run the same code in-process, and it has to ask for it (`allowInProcessDetection`).
 */
let inProcessAllowed = false;
let workerOverride: { file: string; execArgv: string[] } | null = null;

/** Test-only: run detection tasks on the calling thread when no worker bundle exists. */
export function allowInProcessDetection(allowed = true): void {
  inProcessAllowed = allowed;
}

/** Test-only: run workers from this file (e.g. the TypeScript source under a loader) instead of the bundle. */
export function useDetectWorkerFile(file: string | null, execArgv: string[] = []): void {
  workerOverride = file ? { file, execArgv } : null;
}

/** The bundled worker sits next to the host bundle (dist/node); the Electron main bundle sits in dist/electron. */
export function detectWorkerFile(): { file: string; execArgv: string[] } | null {
  if (workerOverride) return workerOverride;
  try {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const file = [join(here, 'detect-worker.js'), join(here, '..', 'node', 'detect-worker.js')].find((f) =>
      existsSync(f),
    );
    return file ? { file, execArgv: [] } : null;
  } catch {
    return null;
  }
}

let scanThreadOverride: string | null = null;

/** Benchmarks only: run a full scan's writer from this file instead of the bundle beside this one. */
export function useScanThreadWorkerFile(file: string | null): void {
  scanThreadOverride = file;
}

/**
 * Where a full scan's writer runs: its own small bundle (`detect-scan-thread.js`, built from
 * `scan-thread-worker.ts`) beside the detect worker, else the detect worker itself, which runs it too (a test's
 * worker from source).
 */
export function scanThreadWorkerFile(): { file: string; execArgv: string[] } | null {
  if (scanThreadOverride) return { file: scanThreadOverride, execArgv: [] };
  const worker = detectWorkerFile();
  if (!worker || workerOverride) return worker;
  const light = join(dirname(worker.file), 'detect-scan-thread.js');
  return existsSync(light) ? { file: light, execArgv: [] } : worker;
}

/** Whether work goes to a worker; throws when there is no worker and in-process was not allowed. */
export function mustUseWorker(): { file: string; execArgv: string[] } | null {
  const worker = detectWorkerFile();
  if (worker) return worker;
  if (inProcessAllowed) return null;
  throw new AppError(
    'INTERNAL',
    'The detection worker (detect-worker.js) is missing from this installation, so duplicates cannot be searched without freezing the app. Reinstall or rebuild Mergedesk.',
  );
}

export type WorkerMessage =
  | { type: 'progress'; phase: string; done: number; total: number | null }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string; details?: unknown } };

export interface WorkerRun<T> {
  readonly worker: Worker;
  readonly result: Promise<T>;
}

/** Starts one task in a detect worker and resolves with its result; progress goes to `onProgress`. */
export function runInWorker<T>(
  location: { file: string; execArgv: string[] },
  task: object,
  options: {
    transfer?: TransferListItem[];
    onProgress?: (phase: string, done: number, total: number | null) => void;
    /** The worker's young generation (V8's default when absent): see `csvYoungGenerationMb`. */
    youngGenerationMb?: number;
  } = {},
): WorkerRun<T> {
  const worker = new Worker(location.file, {
    workerData: task,
    execArgv: location.execArgv,
    ...(options.transfer ? { transferList: options.transfer } : {}),
    ...(options.youngGenerationMb
      ? { resourceLimits: { maxYoungGenerationSizeMb: options.youngGenerationMb } }
      : {}),
  });
  const result = new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') options.onProgress?.(m.phase, m.done, m.total);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result as T);
      } else if (m.type === 'error') {
        settled = true;
        reject(new AppError(m.error.code as never, m.error.message, m.error.details));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new AppError('INTERNAL', `The detection worker stopped (exit ${code}).`));
    });
  });
  return { worker, result };
}
