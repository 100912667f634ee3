/**
 * Events the core pushes to every host. Payloads are plain JSON. Feature modules add their event payload types
 * here so a renderer subscription is checked end to end.
 */
export interface ProgressPayload {
  readonly jobId: string;
  readonly phase: string;
  readonly done: number;
  readonly total: number | null;
  readonly ratePerSecond: number | null;
  readonly etaSeconds: number | null;
  readonly message?: string;
}

export interface EventMap {
  'workspace/changed': { readonly reason: string };
  'sync/progress': ProgressPayload & { readonly connectionId: string; readonly resource: string };
  'sync/finished': {
    readonly jobId: string;
    readonly connectionId: string;
    readonly status: 'completed' | 'failed' | 'cancelled';
    readonly error?: { readonly code: string; readonly message: string };
  };
  'detect/progress': ProgressPayload & {
    /** A workspace scan, or the analysis of a CSV export (whose jobId is the progress key it was given). */
    readonly kind?: 'scan' | 'csv';
  };
  'detect/finished': {
    readonly jobId: string;
    readonly status: 'completed' | 'failed' | 'cancelled';
    readonly groups?: number;
    readonly error?: { readonly code: string; readonly message: string };
  };
  'merge/step': {
    readonly runId: string;
    readonly seq: number;
    readonly name: string;
    readonly status: string;
    readonly message?: string;
  };
  'merge/finished': { readonly runId: string; readonly status: string };
  'merge/batch': MergeBatchPayload;
}

export interface MergeBatchPayload {
  readonly id: string;
  readonly status: 'running' | 'paused' | 'stopping' | 'stopped' | 'finished';
  readonly dryRun: boolean;
  readonly total: number;
  readonly done: number;
  readonly merged: number;
  readonly current: number | null;
  /** Every group left alone, with the reason in words and the members' names. */
  readonly skipped: readonly { readonly groupId: number; readonly reason: string; readonly names?: string }[];
  readonly failed: readonly {
    readonly groupId: number;
    readonly names?: string;
    readonly runId: string | null;
    readonly code: string;
    readonly message: string;
  }[];
  /**
   * Merges a stop caught part-way: each run's journal keeps the steps done, and the run resumes from History
   * (or `mergedesk resume`) where it stopped.
   */
  readonly interrupted: readonly {
    readonly groupId: number;
    readonly names?: string;
    readonly runId: string;
    readonly message: string;
  }[];
  readonly runIds: readonly string[];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** CRM requests the merges so far were planned to spend (the quota planner's estimate). */
  readonly requests: number;
  /** Seconds until the batch is done at the pace sustained so far (or the connection's budget), resets included. */
  readonly etaSeconds: number | null;
  /** The CRM's daily quota as the batch sees it; null until the CRM has reported it. */
  readonly quota: {
    readonly perMinute: number | null;
    readonly perDay: number | null;
    readonly availableToday: number | null;
    readonly resetsAt: string | null;
    /** How many of the remaining groups fit in what is left today. */
    readonly fitsToday: number;
    /** Set while the batch waits for the daily reset before its next merge. */
    readonly waitingUntil: string | null;
    /** In words, e.g. "412 groups fit in today's quota; the rest continue after 00:00 UTC". */
    readonly message: string;
  } | null;
}

export type EventName = keyof EventMap;

export const EVENT_NAMES: readonly EventName[] = [
  'workspace/changed',
  'sync/progress',
  'sync/finished',
  'detect/progress',
  'detect/finished',
  'merge/step',
  'merge/finished',
  'merge/batch',
];

export interface CoreEvent<E extends EventName = EventName> {
  readonly name: E;
  readonly payload: EventMap[E];
}
