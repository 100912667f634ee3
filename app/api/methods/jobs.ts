import { z } from 'zod';
import { method } from '../define';

/** An id the caller chooses for work it may cancel before the answer arrives. */
export const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'a job id is 8–64 letters, digits, _ or -');

export const jobMethods = {
  'jobs/cancel': method(
    z.object({ jobId: jobIdSchema }).strict(),
    'Stop running work by its job id: a connection test, or a sync (its id from sync/start).',
  ).returns<{ cancelled: boolean }>(),
};
