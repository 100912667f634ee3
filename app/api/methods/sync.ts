import { z } from 'zod';
import { method } from '../define';

export interface SyncRunSummary {
  readonly id: number;
  readonly mode: 'full' | 'incremental';
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly stats: Readonly<Record<string, unknown>>;
  readonly error: string | null;
}

export interface SyncConnectionStatus {
  readonly connectionId: string;
  readonly label: string;
  readonly running: boolean;
  readonly jobId: string | null;
  readonly progress: {
    readonly resource: string;
    readonly done: number;
    readonly total: number | null;
    readonly ratePerSecond: number | null;
    readonly etaSeconds: number | null;
    readonly message: string;
  } | null;
  readonly lastRun: SyncRunSummary | null;
  /** True when an interrupted run left cursors behind; the next sync resumes from them. */
  readonly resumable: boolean;
}

export const syncMethods = {
  'sync/start': method(
    z
      .object({
        connectionId: z.string().min(1).max(100),
        mode: z.enum(['auto', 'full', 'incremental']).default('auto'),
        /** After a GUARD_REFUSED "would remove N of M cached contacts": the user confirms the CRM lost them. */
        confirmRemovals: z.boolean().default(false),
      })
      .strict(),
    'Starts (or joins) a sync of one CRM connection; progress arrives as sync/progress events.',
  ).returns<{ jobId: string; alreadyRunning: boolean }>(),
  'sync/cancel': method(
    z.object({ connectionId: z.string().min(1).max(100) }).strict(),
    'Stops a running sync after the page in flight; the next sync resumes where it stopped.',
  ).returns<{ cancelled: boolean }>(),
  'sync/status': method(
    z.object({ connectionId: z.string().min(1).max(100).optional() }).strict(),
    'Running jobs with their progress, and the last run of each CRM connection.',
  ).returns<SyncConnectionStatus[]>(),
};
