import type { Db } from '../store/database';
import { AppError } from '../domain/errors';
import { fullScan, type ScanSummary } from './scan';
import { incrementalScan } from './rescan';
import { gateLanes, type GateProfiles } from './batch-gate';
import type { DetectSettings } from './settings';

export interface ScanJob {
  readonly dbFile: string;
  readonly mode: 'full' | 'incremental';
  readonly settings: DetectSettings;
  /** What the safe-lane gate needs of each CRM connection (from the core's connectors). */
  readonly profiles: GateProfiles;
  /** The connection kinds that are CRMs, from the core's connector registry. */
  readonly crmKinds: readonly string[];
}

export interface ScanHooks {
  readonly isCancelled: () => boolean;
  readonly progress: (phase: string, done: number, total: number | null) => void;
}

/** One scan, the same in a worker thread and in-process. */
export function runScan(db: Db, job: ScanJob, hooks: ScanHooks): ScanSummary {
  const signal = {
    throwIfAborted() {
      if (hooks.isCancelled()) throw new AppError('CANCELLED', 'The scan was cancelled.');
    },
  };
  const options = {
    settings: job.settings,
    now: () => new Date().toISOString(),
    signal,
    onProgress: hooks.progress,
    crmKinds: job.crmKinds,
  };
  const summary = job.mode === 'full' ? fullScan(db, options) : incrementalScan(db, options);
  // Lanes depend on tags, consent, subscriptions and logins too, which change without any identity field. A full
  // scan leaves unchanged groups untouched (see `saveGroups`), so only re-formed groups and groups with newly synced
  // data are judged again after either kind of scan.
  return {
    ...summary,
    lanes: gateLanes(db, job.profiles, { changedOnly: true }).lanes,
  };
}
