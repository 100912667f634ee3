import type { HandlerSubset } from './types';
import { cancelJob } from '../../jobs/cancellable';
import { syncManager } from '../../sync/manager';

export const jobHandlers: HandlerSubset<'jobs/cancel'> = {
  'jobs/cancel': (input, ctx) => {
    if (cancelJob(ctx, input.jobId)) return { cancelled: true };
    const manager = syncManager(ctx);
    const sync = manager.running().find((j) => j.jobId === input.jobId);
    return { cancelled: sync ? manager.cancel(sync.connectionId) : false };
  },
};
