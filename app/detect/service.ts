import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import type { CoreContext } from '../context/context';
import { AppError, toErrorShape } from '../domain/errors';
import { DATABASE_FILE } from '../workspace/paths';
import { readSetting } from '../store/settings';
import { detectSettingsSchema } from './settings';
import { runScan, type ScanJob } from './run';
import { gateProfiles } from './batch-gate';
import { mustUseWorker, runInWorker } from './threads';
import { phaseInWords } from './progress-words';
import { analyseCsv, type CsvAnalyseOptions, type CsvAnalysisResult, type CsvSource } from './csv';
import { previewFrom, type PreviewCounts } from './preview';
import type { DetectSettings } from './settings';
import type { ScanSummary } from './scan';
import type { DetectScanStatus } from './status';

interface Running {
  readonly jobId: string;
  readonly cancel: Int32Array;
  phase: string | null;
  done: number;
  total: number | null;
  readonly startedAt: number;
  readonly finished: Promise<ScanSummary>;
  worker?: Worker;
}

interface Runner {
  running: Running | null;
  last: DetectScanStatus['last'];
}

const runners = new WeakMap<CoreContext, Runner>();

function runner(ctx: CoreContext): Runner {
  let r = runners.get(ctx);
  if (!r) {
    r = { running: null, last: null };
    runners.set(ctx, r);
  }
  return r;
}

export function startScan(
  ctx: CoreContext,
  mode: 'full' | 'incremental',
): { jobId: string; finished: Promise<ScanSummary> } {
  const r = runner(ctx);
  if (r.running) throw new AppError('BUSY', 'A scan is already running.', { jobId: r.running.jobId });
  const jobId = randomUUID();
  const shared = new SharedArrayBuffer(4);
  const cancel = new Int32Array(shared);
  const job: ScanJob = {
    dbFile: join(ctx.workspace.dir, DATABASE_FILE),
    mode,
    settings: readSetting(ctx.workspace.db, 'detect', detectSettingsSchema),
    profiles: gateProfiles(ctx),
    crmKinds: ctx.connectors.crms().map((c) => c.kind),
  };
  const started = Date.now();
  const onProgress = (phase: string, done: number, total: number | null) => {
    const cur = r.running;
    if (cur) Object.assign(cur, { phase, done, total });
    const elapsed = (Date.now() - started) / 1000;
    emitDetectProgress(
      ctx,
      { jobId, kind: 'scan', phase, done, total },
      elapsed > 0 && done > 0 ? done / elapsed : null,
    );
  };
  const location = mustUseWorker();
  let worker: Worker | undefined;
  let finished: Promise<ScanSummary>;
  if (location) {
    const run = runInWorker<ScanSummary>(location, { ...job, kind: 'scan', cancel: shared }, { onProgress });
    worker = run.worker;
    finished = run.result;
  } else {
    // In-process: only a test runner, which has no worker bundle, may ask for it (allowInProcessDetection).
    finished = new Promise<ScanSummary>((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(
            runScan(ctx.workspace.db, job, {
              isCancelled: () => Atomics.load(cancel, 0) === 1,
              progress: onProgress,
            }),
          );
        } catch (error) {
          reject(error);
        }
      });
    });
  }
  const running: Running = {
    jobId,
    cancel,
    phase: 'starting',
    done: 0,
    total: null,
    startedAt: started,
    finished,
  };
  if (worker) running.worker = worker;
  r.running = running;
  finished.then(
    (summary) => {
      r.running = null;
      r.last = { jobId, status: 'completed', finishedAt: new Date().toISOString(), summary };
      ctx.events.emit('detect/finished', { jobId, status: 'completed', groups: summary.groups });
      ctx.events.emit('workspace/changed', { reason: 'detect' });
    },
    (error: unknown) => {
      r.running = null;
      const shape = toErrorShape(error);
      const status = shape.code === 'CANCELLED' ? 'cancelled' : 'failed';
      r.last = {
        jobId,
        status,
        finishedAt: new Date().toISOString(),
        error: { code: shape.code, message: shape.message },
      };
      ctx.events.emit('detect/finished', {
        jobId,
        status,
        error: { code: shape.code, message: shape.message },
      });
    },
  );
  return { jobId, finished };
}

export function cancelScan(ctx: CoreContext): boolean {
  const r = runner(ctx).running;
  if (!r) return false;
  Atomics.store(r.cancel, 0, 1);
  return true;
}

export function scanStatus(ctx: CoreContext): DetectScanStatus {
  const r = runner(ctx);
  const cur = r.running;
  return {
    running: Boolean(cur),
    jobId: cur?.jobId ?? null,
    phase: cur?.phase ?? null,
    done: cur?.done ?? 0,
    total: cur?.total ?? null,
    last: r.last,
  };
}

/** One `detect/progress` event: the phase in words, and the time left when a rate is known. */
export function emitDetectProgress(
  ctx: CoreContext,
  p: { jobId: string; kind: 'scan' | 'csv'; phase: string; done: number; total: number | null },
  ratePerSecond: number | null,
): void {
  ctx.events.emit('detect/progress', {
    ...p,
    message: phaseInWords(p.phase),
    ratePerSecond,
    etaSeconds: ratePerSecond && p.total ? Math.max(0, (p.total - p.done) / ratePerSecond) : null,
  });
}

/**
 * Analyses a CSV export's bytes in a detect worker (the bytes are handed over, not copied), so a host's main
 * thread never parses or scores a file.
 */
export async function analyseCsvBytes(
  bytes: Uint8Array,
  options: {
    readonly settings: DetectSettings;
    readonly map?: Record<string, string>;
    readonly linkage?: boolean;
    readonly maxBytes?: number;
    readonly onProgress?: (phase: string, done: number, total: number | null) => void;
  },
): Promise<CsvAnalysisResult> {
  const location = mustUseWorker();
  if (!location) return analyseCsv(bytes, options);
  // A view into a larger buffer (a pooled Buffer) is copied so only this file crosses to the worker.
  const own =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
  const { onProgress, ...rest } = options;
  return runInWorker<CsvAnalysisResult>(
    location,
    { kind: 'csv-analyse', bytes: own, ...rest },
    {
      transfer: [own.buffer as ArrayBuffer],
      ...(onProgress ? { onProgress } : {}),
      youngGenerationMb: csvYoungGenerationMb(own.byteLength),
    },
  ).result;
}

/**
 * A CSV analysis worker's young generation, by the file's size. From ≈30 MB up (≈300k CRM-style rows) the records
 * live through many scavenges, and V8's default 16 MB semi-spaces copy them again and again: with 64 MB semi-spaces
 * a 1M-row file (108 MB) was analysed in a worker in 53.6–53.7 s instead of 54.8–57.0 s at no more peak RSS
 * (1,812 against 1,828 MB). A small file keeps V8's default: at 100k rows the larger young generation cost 100 MB
 * of RSS and 0.4 s.
 */
export function csvYoungGenerationMb(bytes: number): number | undefined {
  // V8 makes the young generation three semi-spaces: 192 MB is 64 MB semi-spaces.
  return bytes >= 30 * 1024 * 1024 ? 192 : undefined;
}

/**
 * Analyses a CSV export on the calling thread, for a process with no window to keep responsive (the CLI): the same
 * analysis as `analyseCsvBytes`; a stream (a file, a pipe) is read as it arrives.
 */
export function analyseCsvOnThisThread(
  source: CsvSource,
  options: CsvAnalyseOptions,
): Promise<CsvAnalysisResult> {
  return analyseCsv(source, options);
}

/** Lanes and groups under other settings, computed in a detect worker from the stored pairs. */
export async function previewSettings(ctx: CoreContext, settings: DetectSettings): Promise<PreviewCounts> {
  const stored = readSetting(ctx.workspace.db, 'detect', detectSettingsSchema);
  const location = mustUseWorker();
  if (!location) return previewFrom(ctx.workspace.db, stored, settings);
  return runInWorker<PreviewCounts>(location, {
    kind: 'preview',
    dbFile: join(ctx.workspace.dir, DATABASE_FILE),
    stored,
    settings,
  }).result;
}
