import { useState } from 'react';
import { pluralWord } from '../lib/format';
import { useEvent, useQuery } from '../lib/api-context';
import { nextActivity, type JobActivity } from '../lib/notices';
import { useThrottled } from '../lib/throttle';
import type { CoreEvent } from '../../../app/api/contract';

const n = (value: number) => value.toLocaleString();

/**
 * The workspace at a glance: what the cache holds and what is running. Refreshed whenever the core says the
 * workspace changed or a job finished.
 */
export function StatusBar() {
  const status = useQuery('workspace/status', {});
  const [activity, setActivity] = useState<JobActivity | null>(null);
  const track = (event: CoreEvent) => setActivity((current) => nextActivity(current, event));
  const refresh = useThrottled(status.reload, 1000);

  useEvent('workspace/changed', refresh);
  useEvent('sync/progress', (payload) => track({ name: 'sync/progress', payload }));
  useEvent('detect/progress', (payload) => track({ name: 'detect/progress', payload }));
  useEvent('sync/finished', (payload) => {
    track({ name: 'sync/finished', payload });
    refresh();
  });
  useEvent('detect/finished', (payload) => {
    track({ name: 'detect/finished', payload });
    refresh();
  });
  useEvent('merge/finished', refresh);

  const data = status.data;
  return (
    <footer className="statusbar" aria-label="Workspace status">
      {data ? (
        <ul className="statusbar-counts">
          <li>
            <span className="stat-value">{n(data.contacts)}</span> {pluralWord(data.contacts, 'contact')}
          </li>
          <li>
            <span className="stat-value">{n(data.wp_users)}</span> WordPress{' '}
            {pluralWord(data.wp_users, 'user')}
          </li>
          <li>
            <a href="#/duplicates">
              <span className="stat-value">{n(data.groups)}</span> {pluralWord(data.groups, 'group')} to
              review
            </a>
          </li>
          <li>
            <a href="#/connections">
              <span className="stat-value">{n(data.connections.length)}</span>{' '}
              {pluralWord(data.connections.length, 'connection')}
            </a>
          </li>
        </ul>
      ) : status.error ? (
        <span className="statusbar-error">Workspace status unavailable: {status.error.message}</span>
      ) : (
        <span className="muted">Reading workspace…</span>
      )}
      {activity && (
        <span className="statusbar-activity" role="status">
          <span className="spinner small" aria-hidden="true" />
          {activity.label}… {n(activity.done)}
          {activity.total !== null && ` / ${n(activity.total)}`}
        </span>
      )}
    </footer>
  );
}
