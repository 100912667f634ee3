import { describe, expect, it } from 'vitest';
import { nextActivity, noticeFor } from '../../../renderer/src/lib/notices';
import type { CoreEvent } from '../../../app/api/contract';

const ev = (name: string, payload: unknown) => ({ name, payload }) as CoreEvent;

describe('job notifications', () => {
  it('announces finished detection with the group count and a link to review', () => {
    expect(noticeFor(ev('detect/finished', { jobId: 'j', status: 'completed', groups: 1 }))).toEqual({
      id: 'detect:j',
      tone: 'success',
      title: 'Duplicate detection finished',
      body: '1 group to review.',
      action: { label: 'Review duplicates', href: '#/duplicates' },
    });
    expect(noticeFor(ev('detect/finished', { jobId: 'j', status: 'completed', groups: 1200 }))?.body).toBe(
      '1,200 groups to review.',
    );
  });

  it('turns failures into error notices that carry the core’s sentence', () => {
    const sync = noticeFor(
      ev('sync/finished', {
        jobId: 's',
        connectionId: 'c',
        status: 'failed',
        error: { code: 'RATE_LIMITED', message: 'Keap’s daily quota is used up.' },
      }),
    );
    expect(sync).toMatchObject({
      tone: 'error',
      title: 'Sync failed',
      body: 'Keap’s daily quota is used up.',
    });
    expect(noticeFor(ev('detect/finished', { jobId: 'd', status: 'failed' }))).toMatchObject({
      tone: 'error',
      body: 'Detection stopped with an error.',
    });
    expect(noticeFor(ev('merge/finished', { runId: 'r/1', status: 'failed' }))).toMatchObject({
      tone: 'error',
      title: 'Merge failed',
      action: { href: '#/history/r%2F1' },
    });
  });

  it('reports cancellations quietly and ignores progress and cache events', () => {
    expect(noticeFor(ev('sync/finished', { jobId: 's', connectionId: 'c', status: 'cancelled' }))?.tone).toBe(
      'info',
    );
    expect(noticeFor(ev('merge/finished', { runId: 'r', status: 'completed' }))?.tone).toBe('success');
    expect(noticeFor(ev('workspace/changed', { reason: 'sync' }))).toBeNull();
    expect(noticeFor(ev('detect/progress', { jobId: 'd', phase: 'score', done: 1, total: 2 }))).toBeNull();
  });

  it('tracks the running job for the status bar until it finishes', () => {
    let activity = nextActivity(
      null,
      ev('sync/progress', {
        jobId: 's',
        connectionId: 'c',
        resource: 'contacts',
        phase: 'p',
        done: 10,
        total: 50,
      }),
    );
    expect(activity).toEqual({ kind: 'sync', label: 'Syncing contacts', done: 10, total: 50 });
    activity = nextActivity(activity, ev('workspace/changed', { reason: 'sync' }));
    expect(activity?.done).toBe(10);
    expect(nextActivity(activity, ev('detect/finished', { jobId: 'd', status: 'completed' }))).toEqual(
      activity,
    );
    expect(
      nextActivity(activity, ev('sync/finished', { jobId: 's', connectionId: 'c', status: 'completed' })),
    ).toBeNull();
  });
});
