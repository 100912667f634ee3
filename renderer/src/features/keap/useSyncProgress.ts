import { useCallback, useEffect, useState } from 'react';
import { useApi, useEvent } from '../../lib/api-context';
import type { EventMap, SyncConnectionStatus } from '../../../../app/api/contract';

export type SyncProgressEvent = EventMap['sync/progress'];

export interface SyncView {
  readonly running: boolean;
  readonly progress: SyncProgressEvent | null;
  readonly lastResult: EventMap['sync/finished'] | null;
}

/** Live sync state per connection: seeded from sync/status, then driven by sync/progress and sync/finished. */
export function useSyncProgress(onFinished?: () => void): Record<string, SyncView> {
  const api = useApi();
  const [views, setViews] = useState<Record<string, SyncView>>({});

  const seed = useCallback((statuses: readonly SyncConnectionStatus[]) => {
    setViews((prev) => {
      const next = { ...prev };
      for (const s of statuses) {
        if (!s.running) continue;
        next[s.connectionId] = {
          running: true,
          lastResult: null,
          progress: s.progress
            ? {
                ...s.progress,
                jobId: s.jobId ?? '',
                connectionId: s.connectionId,
                phase: s.progress.resource,
              }
            : null,
        };
      }
      return next;
    });
  }, []);

  useEffect(() => {
    let live = true;
    api.call('sync/status', {}).then(
      (s) => live && seed(s),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, seed]);

  useEvent('sync/progress', (p) => {
    setViews((prev) => ({ ...prev, [p.connectionId]: { running: true, progress: p, lastResult: null } }));
  });
  useEvent('sync/finished', (f) => {
    setViews((prev) => ({
      ...prev,
      [f.connectionId]: { running: false, progress: prev[f.connectionId]?.progress ?? null, lastResult: f },
    }));
    onFinished?.();
  });
  return views;
}

export function describeProgress(p: SyncProgressEvent | null): string {
  if (!p) return 'Starting…';
  const count = p.total
    ? `${p.done.toLocaleString()} of ${p.total.toLocaleString()}`
    : p.done.toLocaleString();
  const rate = p.ratePerSecond ? ` · ${Math.round(p.ratePerSecond).toLocaleString()}/s` : '';
  const eta = p.etaSeconds ? ` · about ${formatSeconds(p.etaSeconds)} left` : '';
  return `${RESOURCE_LABELS[p.resource] ?? p.resource}: ${count}${rate}${eta}`;
}

const RESOURCE_LABELS: Record<string, string> = {
  tags: 'Tags',
  contacts: 'Contacts',
  orders: 'Orders',
  subscriptions: 'Subscriptions',
  contact_ids: 'Checking for deleted contacts',
};

function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
