import { useEffect, useMemo, useState } from 'react';
import './batch.css';
import type { EventMap, RunSummary } from '../../../../app/api/contract';
import { useApi, useEvent, useQuery } from '../../lib/api-context';
import { ErrorBanner } from '../../components/states';
import { formatDuration, plural } from '../../lib/format';

type Batch = EventMap['merge/batch'] & { readonly etaSeconds?: number | null };
type Failure = { code: string; message: string };

const ACTIVE: readonly Batch['status'][] = ['running', 'paused', 'stopping'];

/**
 * Merges the Safe lane, or the groups ticked in the queue, one after another through the same batch service the
 * command line uses; shows its progress with an estimate, lets the admin pause, resume or stop it, and ends with a
 * summary of every group.
 */
export function BatchMerge(props: {
  selected: readonly number[];
  safeCount: number | null;
  onChanged: () => void;
  onClearSelection: () => void;
}) {
  const api = useApi();
  const status = useQuery('merge/batch-status', {});
  const [live, setLive] = useState<Batch | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const [confirming, setConfirming] = useState(false);
  const batch: Batch | null = live ?? status.data?.batch ?? null;
  const { onChanged } = props;

  useEvent('merge/batch', (p) => {
    setLive(p);
    if (!ACTIVE.includes(p.status)) onChanged();
  });

  const call = async (fn: () => Promise<Batch>) => {
    setError(null);
    try {
      setLive(await fn());
    } catch (e) {
      const err = e as { code?: string; message?: string };
      setError({ code: err.code ?? 'INTERNAL', message: err.message ?? String(e) });
    }
  };
  const start = () => {
    setConfirming(false);
    const input = props.selected.length ? { groupIds: [...props.selected] } : { lane: 'safe' as const };
    void call(() => api.call('merge/batch-start', input)).then(props.onClearSelection);
  };

  const running = batch !== null && ACTIVE.includes(batch.status);
  const what = props.selected.length
    ? `Merge ${plural(props.selected.length, 'selected group')}`
    : `Merge the Safe lane${props.safeCount !== null ? ` (${plural(props.safeCount, 'group')})` : ''}`;

  return (
    <section className="batch panel" aria-labelledby="batch-title">
      <div className="batch-head">
        <h2 id="batch-title">Batch merge</h2>
        {!running && !confirming && (
          <button
            type="button"
            className="primary"
            disabled={!props.selected.length && props.safeCount === 0}
            onClick={() => setConfirming(true)}
          >
            {what}…
          </button>
        )}
      </div>
      {confirming && (
        <div className="callout-info" role="group" aria-label="Start the batch">
          <p>
            Each group is merged with its default choices, at the pace the CRM allows. A group whose plan
            needs a decision, or that may be two people, is skipped and stays in the queue.
          </p>
          <button type="button" className="primary" onClick={start}>
            Start: {what.toLowerCase()}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {error && <ErrorBanner error={error} />}
      {batch && running && <BatchProgress batch={batch} call={call} />}
      {batch && !running && <BatchSummary batch={batch} />}
    </section>
  );
}

function BatchProgress(props: { batch: Batch; call: (fn: () => Promise<Batch>) => Promise<void> }) {
  const api = useApi();
  const { batch } = props;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const eta = batch.etaSeconds ?? estimate(batch, now);
  const left = batch.total - batch.done;
  return (
    <div className="batch-progress">
      <progress
        max={Math.max(1, batch.total)}
        value={batch.done}
        aria-label="Batch progress"
        aria-valuetext={`${batch.done} of ${plural(batch.total, 'group')}`}
      />
      <p role="status">
        {batch.done.toLocaleString()} of {plural(batch.total, 'group')} ·{' '}
        {batch.status === 'paused'
          ? 'paused'
          : batch.status === 'stopping'
            ? 'stopping after the current step'
            : left === 0
              ? 'finishing'
              : eta !== null
                ? `${formatDuration(eta)} left`
                : 'estimating the time left…'}{' '}
        · {plural(batch.merged, 'merged', 'merged')}, {plural(batch.skipped.length, 'skipped', 'skipped')},{' '}
        {plural(batch.failed.length, 'failed', 'failed')}
        {batch.interrupted.length > 0 &&
          `, ${plural(batch.interrupted.length, 'stopped part-way', 'stopped part-way')}`}
      </p>
      <div className="toolbar">
        {batch.status === 'paused' ? (
          <button
            type="button"
            className="primary"
            onClick={() => void props.call(() => api.call('merge/batch-pause', { paused: false }))}
          >
            Resume
          </button>
        ) : (
          <button
            type="button"
            disabled={batch.status !== 'running'}
            onClick={() => void props.call(() => api.call('merge/batch-pause', { paused: true }))}
          >
            Pause
          </button>
        )}
        <button
          type="button"
          disabled={batch.status === 'stopping'}
          onClick={() => void props.call(() => api.call('merge/batch-stop', {}))}
        >
          Stop
        </button>
      </div>
    </div>
  );
}

/** Seconds left at the pace so far (paused time included, so it errs long). */
function estimate(batch: Batch, now: number): number | null {
  const started = Date.parse(batch.startedAt);
  if (!batch.done || Number.isNaN(started)) return null;
  const perGroup = (now - started) / 1000 / batch.done;
  return perGroup * (batch.total - batch.done);
}

interface SummaryRow {
  readonly groupId: number;
  readonly outcome: 'Merged' | 'Skipped' | 'Failed' | 'Stopped part-way';
  readonly detail: string;
  readonly runId: string | null;
}

const OUTCOME_KIND: Record<SummaryRow['outcome'], string> = {
  Merged: 'merged',
  Skipped: 'skipped',
  Failed: 'failed',
  'Stopped part-way': 'interrupted',
};

function summaryRows(batch: Batch, runs: readonly RunSummary[]): SummaryRow[] {
  const mine = runs.filter((r) => batch.runIds.includes(r.id));
  const runFor = (groupId: number) => mine.find((r) => r.groupId === groupId)?.id ?? null;
  const rows: SummaryRow[] = [];
  for (const r of mine) {
    if (r.status === 'completed' && r.groupId !== null)
      rows.push({
        groupId: r.groupId,
        outcome: 'Merged',
        detail: `Kept #${r.survivorId}; merged ${r.loserIds.map((l) => `#${l}`).join(', ')}`,
        runId: r.id,
      });
  }
  for (const s of batch.skipped)
    rows.push({ groupId: s.groupId, outcome: 'Skipped', detail: s.reason, runId: runFor(s.groupId) });
  for (const f of batch.failed)
    rows.push({ groupId: f.groupId, outcome: 'Failed', detail: f.message, runId: f.runId });
  for (const i of batch.interrupted)
    rows.push({ groupId: i.groupId, outcome: 'Stopped part-way', detail: i.message, runId: i.runId });
  return rows;
}

function BatchSummary(props: { batch: Batch }) {
  const { batch } = props;
  const runs = useQuery('merge/runs', { limit: 1000 });
  const names = useGroupNames();
  const rows = useMemo(() => summaryRows(batch, runs.data ?? []), [batch, runs.data]);
  return (
    <div className="batch-summary" role="region" aria-label="Batch summary">
      <h3>
        {batch.status === 'stopped' ? 'Batch stopped' : 'Batch finished'}: {plural(batch.merged, 'group')}{' '}
        merged, {batch.skipped.length.toLocaleString()} skipped, {batch.failed.length.toLocaleString()} failed
        {batch.interrupted.length > 0
          ? `, ${batch.interrupted.length.toLocaleString()} stopped part-way`
          : ''}
        {batch.total > batch.done ? `, ${(batch.total - batch.done).toLocaleString()} not started` : ''}
      </h3>
      {runs.error && <ErrorBanner error={runs.error} onRetry={runs.reload} />}
      {runs.loading && !runs.data && batch.merged > 0 && (
        <p className="muted" aria-live="polite">
          Reading what each merged group kept…
        </p>
      )}
      {rows.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Outcome</th>
              <th scope="col">What happened</th>
              <th scope="col">History</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.outcome}-${r.groupId}`} data-outcome={OUTCOME_KIND[r.outcome]}>
                <td>
                  <a href={`#/duplicates/${r.groupId}`}>{names.get(r.groupId) ?? `Group ${r.groupId}`}</a>
                </td>
                <td>
                  <span className={`badge outcome-${OUTCOME_KIND[r.outcome]}`}>{r.outcome}</span>
                </td>
                <td>{r.detail}</td>
                <td>
                  {r.runId ? (
                    <a href={`#/history/${encodeURIComponent(r.runId)}`}>
                      History entry for {names.get(r.groupId) ?? `group ${r.groupId}`}
                    </a>
                  ) : (
                    <span className="muted">nothing was changed</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Group names for the summary, whatever the groups' status now. */
function useGroupNames(): ReadonlyMap<number, string> {
  const merged = useQuery('groups/list', { status: 'merged', limit: 500 });
  const open = useQuery('groups/list', { status: 'open', limit: 500 });
  const stale = useQuery('groups/list', { status: 'stale', limit: 500 });
  return useMemo(() => {
    const map = new Map<number, string>();
    for (const list of [merged.data, open.data, stale.data])
      for (const g of list?.items ?? []) if (g.names) map.set(g.id, g.names);
    return map;
  }, [merged.data, open.data, stale.data]);
}
