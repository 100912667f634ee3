import { useEffect, useState } from 'react';
import './batch.css';
import type { EventMap, Output } from '../../../../app/api/contract';
import { useApi, useEvent, useQuery } from '../../lib/api-context';
import { ErrorBanner } from '../../components/states';
import { Pager } from '../../components/Pager';
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

type SummaryRow = Output<'merge/batch-summary'>['rows'][number];

const OUTCOME_WORDS: Record<SummaryRow['outcome'], string> = {
  merged: 'Merged',
  skipped: 'Skipped',
  failed: 'Failed',
  interrupted: 'Stopped part-way',
};

/** A reason written to follow a colon ("skipped group 4: these may be…"), as a cell of its own. */
const asSentence = (text: string) => (text ? text[0]!.toUpperCase() + text.slice(1) : text);

/** Rows of the summary per page: a batch of the safe lane of a large list merges thousands of groups. */
const SUMMARY_PAGE = 100;

function BatchSummary(props: { batch: Batch }) {
  const { batch } = props;
  const [offset, setOffset] = useState(0);
  const page = useQuery('merge/batch-summary', { offset, limit: SUMMARY_PAGE });
  const total = page.data?.total ?? 0;
  const rows = page.data?.rows ?? [];
  const groupName = (r: SummaryRow) => r.names ?? `Group ${r.groupId} (no longer in the cache)`;
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
      {page.error && <ErrorBanner error={page.error} onRetry={page.reload} />}
      {page.loading && !page.data && (
        <p className="muted" aria-live="polite">
          Reading what happened to each group…
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
              <tr key={`${r.outcome}-${r.groupId}-${r.runId ?? ''}`} data-outcome={r.outcome}>
                <td>
                  <a href={`#/duplicates/${r.groupId}`}>{groupName(r)}</a>
                </td>
                <td>
                  <span className={`badge outcome-${r.outcome}`}>{OUTCOME_WORDS[r.outcome]}</span>
                </td>
                <td>{asSentence(r.detail)}</td>
                <td>
                  {r.runId ? (
                    <a href={`#/history/${encodeURIComponent(r.runId)}`}>History entry for {groupName(r)}</a>
                  ) : (
                    <span className="muted">nothing was changed</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > SUMMARY_PAGE && (
        <Pager
          label="Summary pages"
          previous={`Previous ${SUMMARY_PAGE}`}
          next={`Next ${SUMMARY_PAGE}`}
          canPrevious={offset > 0}
          canNext={offset + SUMMARY_PAGE < total}
          onPrevious={() => setOffset(Math.max(0, offset - SUMMARY_PAGE))}
          onNext={() => setOffset(offset + SUMMARY_PAGE)}
        >
          Groups {(offset + 1).toLocaleString()}–{Math.min(total, offset + SUMMARY_PAGE).toLocaleString()} of{' '}
          {total.toLocaleString()}
        </Pager>
      )}
    </div>
  );
}
