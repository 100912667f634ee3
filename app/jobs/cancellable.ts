import { AppError } from '../domain/errors';
import type { CoreContext } from '../context/context';

const running = new WeakMap<CoreContext, Map<string, AbortController>>();

/**
 * Runs work the user may stop (a connection test): it gets a signal, and `cancelJob` with the same id aborts it.
 * The id comes from the caller, so it can cancel a call whose answer it is still waiting for.
 */
export async function runCancellable<T>(
  ctx: CoreContext,
  jobId: string | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (jobId === undefined) return work(controller.signal);
  let jobs = running.get(ctx);
  if (!jobs) running.set(ctx, (jobs = new Map()));
  if (jobs.has(jobId)) throw new AppError('CONFLICT', 'A job with this id is already running.');
  jobs.set(jobId, controller);
  try {
    return await work(controller.signal);
  } finally {
    jobs.delete(jobId);
  }
}

/** Aborts a running job; false when no job has this id (it finished, or never started). */
export function cancelJob(ctx: CoreContext, jobId: string): boolean {
  const controller = running.get(ctx)?.get(jobId);
  if (!controller) return false;
  controller.abort(new AppError('CANCELLED', 'Cancelled.'));
  return true;
}
