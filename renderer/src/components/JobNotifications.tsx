import { useEffect } from 'react';
import { useApi } from '../lib/api-context';
import { noticeFor } from '../lib/notices';
import { useToasts } from './Toasts';
import type { CoreEvent, EventName } from '../../../app/api/contract';

const JOB_EVENTS: readonly EventName[] = ['sync/finished', 'detect/finished', 'merge/finished'];

/** Turns "job finished" events from the core into notifications, whichever screen is open. */
export function JobNotifications() {
  const api = useApi();
  const { notify } = useToasts();
  useEffect(() => {
    const stops = JOB_EVENTS.map((name) =>
      api.on(name, (payload) => {
        const notice = noticeFor({ name, payload } as CoreEvent);
        if (notice) notify(notice);
      }),
    );
    return () => stops.forEach((stop) => stop());
  }, [api, notify]);
  return null;
}
