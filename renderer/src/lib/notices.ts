import type { CoreEvent } from '../../../app/api/contract';
import { plural } from './format';

export type NoticeTone = 'success' | 'error' | 'info';

export interface Notice {
  readonly id: string;
  readonly tone: NoticeTone;
  readonly title: string;
  readonly body?: string;
  /** An in-app link (hash route) that shows the result. */
  readonly action?: { readonly label: string; readonly href: string };
  /** A button that takes the news back (e.g. Undo); the toast closes when it is pressed. */
  readonly undo?: { readonly label: string; readonly run: () => void };
}

/**
 * The notification a finished job deserves, or null for events that are not worth interrupting anyone for
 * (progress ticks, cache changes). Pure, so the wording is tested without a browser.
 */
export function noticeFor(event: CoreEvent): Notice | null {
  switch (event.name) {
    case 'sync/finished': {
      const p = event.payload as CoreEvent<'sync/finished'>['payload'];
      const id = `sync:${p.jobId}`;
      if (p.status === 'completed') {
        return {
          id,
          tone: 'success',
          title: 'Sync finished',
          action: { label: 'View contacts', href: '#/contacts' },
        };
      }
      if (p.status === 'cancelled') return { id, tone: 'info', title: 'Sync cancelled' };
      return {
        id,
        tone: 'error',
        title: 'Sync failed',
        body: p.error?.message ?? 'The sync stopped with an error.',
        action: { label: 'Open connections', href: '#/connections' },
      };
    }
    case 'detect/finished': {
      const p = event.payload as CoreEvent<'detect/finished'>['payload'];
      const id = `detect:${p.jobId}`;
      if (p.status === 'completed') {
        return {
          id,
          tone: 'success',
          title: 'Duplicate detection finished',
          ...(p.groups !== undefined ? { body: `${plural(p.groups, 'group', 'groups')} to review.` } : {}),
          action: { label: 'Review duplicates', href: '#/duplicates' },
        };
      }
      if (p.status === 'cancelled') return { id, tone: 'info', title: 'Duplicate detection cancelled' };
      return {
        id,
        tone: 'error',
        title: 'Duplicate detection failed',
        body: p.error?.message ?? 'Detection stopped with an error.',
      };
    }
    case 'merge/finished': {
      const p = event.payload as CoreEvent<'merge/finished'>['payload'];
      const id = `merge:${p.runId}`;
      const action = { label: 'View in History', href: `#/history/${encodeURIComponent(p.runId)}` };
      if (p.status === 'completed' || p.status === 'verified') {
        return { id, tone: 'success', title: 'Merge finished', action };
      }
      if (p.status === 'cancelled') return { id, tone: 'info', title: 'Merge cancelled', action };
      return {
        id,
        tone: 'error',
        title: p.status === 'failed' ? 'Merge failed' : `Merge ${p.status}`,
        body: 'Every completed step is journaled; the merge can be resumed from History.',
        action,
      };
    }
    default:
      return null;
  }
}

export interface JobActivity {
  readonly kind: 'sync' | 'detect';
  readonly label: string;
  readonly done: number;
  readonly total: number | null;
}

/** The running job the status bar shows, updated by progress events and cleared when the job finishes. */
export function nextActivity(current: JobActivity | null, event: CoreEvent): JobActivity | null {
  switch (event.name) {
    case 'sync/progress': {
      const p = event.payload as CoreEvent<'sync/progress'>['payload'];
      return { kind: 'sync', label: `Syncing ${p.resource}`, done: p.done, total: p.total };
    }
    case 'detect/progress': {
      const p = event.payload as CoreEvent<'detect/progress'>['payload'];
      const what = p.kind === 'csv' ? 'Analysing a CSV file' : 'Detecting duplicates';
      return {
        kind: 'detect',
        label: `${what}: ${p.message ?? p.phase}`,
        done: p.done,
        total: p.total,
      };
    }
    case 'sync/finished':
      return current?.kind === 'sync' ? null : current;
    case 'detect/finished':
      return current?.kind === 'detect' ? null : current;
    default:
      return current;
  }
}
