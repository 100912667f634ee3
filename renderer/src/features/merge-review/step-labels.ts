import { words } from '../../../../app/api/client';

/** What each journaled merge step is called on screen; the journal keeps the stable machine names. */
export const stepLabel = words.stepLabel;
export const isMergeStep = words.isMergeStep;

const STATUS_LABELS: Record<string, string> = {
  pending: 'waiting',
  running: 'running…',
  retrying: 'retrying…',
  done: 'done',
  failed: 'failed',
};

export function stepStatusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}
