import { useState } from 'react';
import { plural } from '../../lib/format';
import { useApi, useEvent, useQuery } from '../../lib/api-context';
import { ErrorBanner, ProgressBar } from '../../components/states';

/** Scan button with live progress; calls onFinished when a scan ends so lists reload. */
export function ScanControl(props: { onFinished: () => void }) {
  const api = useApi();
  const status = useQuery('detect/scan/status', {});
  const [progress, setProgress] = useState<{ phase: string; done: number; total: number | null } | null>(
    null,
  );
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const running = progress !== null || Boolean(status.data?.running);

  useEvent('detect/progress', (p) => {
    // A CSV analysis reports on the CSV screen, not as a scan of the workspace.
    if (p.kind === 'csv') return;
    setProgress({ phase: p.message ?? p.phase, done: p.done, total: p.total });
  });
  useEvent('detect/finished', (f) => {
    setProgress(null);
    if (f.status === 'failed' && f.error) setError(f.error);
    status.reload();
    props.onFinished();
  });

  const start = async (mode: 'full' | 'incremental') => {
    setError(null);
    setProgress({ phase: 'Starting', done: 0, total: null });
    try {
      await api.call('detect/scan/start', { mode });
    } catch (e) {
      setProgress(null);
      const err = e as { code?: string; message?: string };
      setError({ code: err.code ?? 'INTERNAL', message: err.message ?? String(e) });
    }
  };

  const last = status.data?.last;
  return (
    <div className="scan-control">
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={running}
          onClick={() => void start('incremental')}
        >
          {running ? 'Scanning…' : 'Scan for duplicates'}
        </button>
        <button type="button" disabled={running} onClick={() => void start('full')}>
          Full re-scan
        </button>
        {running && (
          <button type="button" onClick={() => void api.call('detect/scan/cancel', {})}>
            Cancel
          </button>
        )}
        {!running && last?.summary && (
          <span className="muted">
            Last scan: {plural(last.summary.contacts, 'contact')}, {plural(last.summary.groups, 'group')} in{' '}
            {(last.summary.millis / 1000).toFixed(1)} s
          </span>
        )}
        {!running && last?.status === 'cancelled' && <span className="muted">Last scan was cancelled.</span>}
      </div>
      {running && progress && (
        <ProgressBar
          done={progress.done}
          total={progress.total}
          label={`${progress.phase}${progress.total ? ` — ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}` : ''}`}
        />
      )}
      {error && <ErrorBanner error={error} />}
    </div>
  );
}
