/** What each journaled merge step is called on screen; the journal keeps the stable machine names. */
const STEP_LABELS: Record<string, string> = {
  planned: 'Plan saved',
  snapshotted: 'Re-checked and snapshotted',
  fields_written: 'Fields written',
  tags_unioned: 'Tags added',
  crm_merged: 'CRM merge',
  sequence_added: 'Added to sequence',
  wp_relinked: 'WordPress relinked',
  orders_rekeyed: 'AccessAlly orders moved',
  loser_deleted: 'Duplicate deleted',
  loser_archived: 'Duplicate archived',
  resynced: 'AccessAlly refreshed',
  verified: 'Verified',
  cache_updated: 'Cache updated',
};

export function stepLabel(name: string): string {
  return STEP_LABELS[name] ?? name.replace(/_/g, ' ');
}

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
