import type { Lane } from './types';

/** What a scan reports: the contract re-exports these so the renderer and the CLI read the same shapes. */
export interface DetectRuleReport {
  readonly rule: string;
  readonly description: string;
  readonly blocks: number;
  readonly comparisons: number;
  readonly newPairs: number;
  readonly skippedBlocks: number;
  readonly largestSkipped: number;
  /** Blocks too large to compare all-pairs that were compared in a sorted neighbourhood instead. */
  readonly windowedBlocks?: number;
}

export interface DetectScanSummary {
  readonly mode: 'full' | 'incremental';
  readonly contacts: number;
  readonly changed: number;
  readonly comparisons: number;
  readonly pairs: number;
  readonly groups: number;
  readonly lanes: Record<Lane, number>;
  readonly rules: readonly DetectRuleReport[];
  readonly millis: number;
}

export interface DetectScanStatus {
  readonly running: boolean;
  readonly jobId: string | null;
  readonly phase: string | null;
  readonly done: number;
  readonly total: number | null;
  readonly last: {
    readonly jobId: string;
    readonly status: 'completed' | 'failed' | 'cancelled';
    readonly finishedAt: string;
    readonly summary?: DetectScanSummary;
    readonly error?: { readonly code: string; readonly message: string };
  } | null;
}
