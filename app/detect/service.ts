import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import type { CoreContext } from '../context/context';
import { AppError, toErrorShape } from '../domain/errors';
import { DATABASE_FILE } from '../workspace/paths';
import { readSetting } from '../store/settings';
import { detectSettingsSchema } from './settings';
import { runScan, type ScanJob } from './run';
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

/** The bundled worker sits next to the host bundle (dist/node); under a test runner there is none. */
function workerFile(): string | null {
  try {
    const here = fileURLToPath(new URL('.', import.meta.url));
    // The web host and CLI bundles sit beside it; the Electron main bundle sits in dist/electron.
    const file = [join(here, 'detect-worker.js'), join(here, '..', 'node', 'detect-worker.js')].find((f) =>
      existsSync(f),
    );
    return file ?? null;
  } catch {
    return null;
  }
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
  };
  const started = Date.now();
  const onProgress = (phase: string, done: number, total: number | null) => {
    const cur = r.running;
    if (cur) Object.assign(cur, { phase, done, total });
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 && done > 0 ? done / elapsed : null;
    ctx.events.emit('detect/progress', {
      jobId,
      phase,
      done,
      total,
      ratePerSecond: rate,
      etaSeconds: rate && total ? Math.max(0, (total - done) / rate) : null,
    });
  };
  const file = workerFile();
  let worker: Worker | undefined;
  const finished = new Promise<ScanSummary>((resolve, reject) => {
    if (file) {
      worker = new Worker(file, { workerData: { ...job, cancel: shared } });
      worker.on(
        'message',
        (m: {
          type: string;
          phase?: string;
          done?: number;
          total?: number | null;
          summary?: ScanSummary;
          error?: { code: string; message: string };
        }) => {
          if (m.type === 'progress') onProgress(m.phase ?? '', m.done ?? 0, m.total ?? null);
          else if (m.type === 'done') resolve(m.summary!);
          else if (m.type === 'error') reject(new AppError(m.error!.code as never, m.error!.message));
        },
      );
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0) reject(new AppError('INTERNAL', `The scan worker stopped (exit ${code}).`));
      });
    } else {
      // In-process fallback (tests, a host without the bundled worker): same code, on this thread.
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
    }
  });
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
