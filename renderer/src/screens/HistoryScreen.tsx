import { useState } from 'react';
import { useApi, useEvent, useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { Pager } from '../components/Pager';
import { navigate } from '../lib/router';
import type { Output, RestorePreview, RunSummary } from '../../../app/api/contract';
import { isMergeStep, stepLabel, stepStatusLabel } from '../features/merge-review/step-labels';
import { words } from '../../../app/api/client';
import { formatDateTime, plural } from '../lib/format';

/** "Ann Lee (#101)": a contact as people recognise it, the id beside the name. */
function contact(run: RunSummary, id: string): string {
  const name = run.names[id];
  return name ? `${name} (#${id})` : `#${id}`;
}

/** What a step acted on, in words: the automation or sequence by name, a contact with its name beside its id. */
function stepTarget(d: Output<'merge/run'>, step: { name: string; target: string | null }): string {
  const t = step.target;
  if (!t) return '';
  if (step.name === 'automation_added') {
    const a = d.plan.extras?.automations.find((x) => x.id === t);
    return a ? ` "${a.name}"` : '';
  }
  if (step.name === 'sequence_added') {
    const q = d.plan.sequences.find((x) => x.sequenceId === t);
    return q?.name ? ` "${q.name}"` : '';
  }
  return ` ${contact(d.run, t)}`;
}
import '../features/merge-review/merge-review.css';

const STATUS_LABEL: Record<RunSummary['status'], string> = {
  planned: 'queued',
  dry_run: 'dry run',
  running: 'running / interrupted',
  completed: 'completed',
  failed: 'failed',
  interrupted: 'interrupted',
  stale: 'returned to review',
  restored: 'restored',
};

function download(filename: string, mime: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

/** Runs per page of History: a batch of a large list's safe lane leaves thousands. */
const HISTORY_PAGE = 200;

/** Every merge run with its steps; resume, restore and export from here. */
export function HistoryScreen(props: { param: string | null }) {
  const api = useApi();
  const [offset, setOffset] = useState(0);
  // One run past the page says whether there is a next one.
  const runs = useQuery('merge/runs', { offset, limit: HISTORY_PAGE + 1 });
  const shown = runs.data?.slice(0, HISTORY_PAGE);
  const more = (runs.data?.length ?? 0) > HISTORY_PAGE;
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  useEvent('merge/finished', () => runs.reload());

  async function exportAudit(format: 'csv' | 'json') {
    try {
      const out = await api.call('merge/audit-export', { format });
      download(out.filename, out.mime, out.content);
    } catch (e) {
      setError(e as { code: string; message: string });
    }
  }

  return (
    <section>
      <h1>History</h1>
      <div className="review-actions">
        <button type="button" onClick={() => void exportAudit('csv')}>
          Export audit log (CSV)
        </button>
        <button type="button" onClick={() => void exportAudit('json')}>
          Export audit log (JSON)
        </button>
      </div>
      {error && <ErrorBanner error={error} />}
      {runs.loading && !runs.data && <Loading />}
      {runs.error && <ErrorBanner error={runs.error} onRetry={runs.reload} />}
      {shown && shown.length === 0 && offset === 0 && (
        <EmptyState title="No merges yet">
          Every merge you run is journaled here, step by step, with a before-snapshot you can restore from.
        </EmptyState>
      )}
      {shown && shown.length > 0 && (
        <table className="review-grid history-runs">
          <thead>
            <tr>
              <th scope="col" className="nowrap">
                When
              </th>
              <th scope="col">Status</th>
              <th scope="col">Survivor ← merged</th>
              <th scope="col">Steps</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} className={props.param === r.id ? 'survivor' : undefined}>
                <td className="nowrap">
                  <a href={`#/history/${encodeURIComponent(r.id)}`}>{formatDateTime(r.createdAt)}</a>
                </td>
                <td>{STATUS_LABEL[r.status]}</td>
                <td>
                  {contact(r, r.survivorId)} ← {r.loserIds.map((l) => contact(r, l)).join(', ')}
                </td>
                <td>
                  {r.stepsDone}/{r.stepsTotal}
                </td>
                <td>{r.error?.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(offset > 0 || more) && (
        <Pager
          label="History pages"
          previous={`Newer ${HISTORY_PAGE}`}
          next={`Older ${HISTORY_PAGE}`}
          canPrevious={offset > 0}
          canNext={more}
          onPrevious={() => setOffset(Math.max(0, offset - HISTORY_PAGE))}
          onNext={() => setOffset(offset + HISTORY_PAGE)}
        >
          Merges {(offset + 1).toLocaleString()}–{(offset + (shown?.length ?? 0)).toLocaleString()}, newest
          first
        </Pager>
      )}
      {props.param && <RunDetailView runId={props.param} onChanged={runs.reload} />}
    </section>
  );
}

function RunDetailView(props: { runId: string; onChanged: () => void }) {
  const api = useApi();
  const detail = useQuery('merge/run', { runId: props.runId });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [restore, setRestore] = useState<RestorePreview | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [restored, setRestored] = useState<RestoreOutcome | null>(null);
  useEvent('merge/step', (p) => {
    if (p.runId === props.runId) detail.reload();
  });

  async function act(fn: () => Promise<string>) {
    setBusy(true);
    setError(null);
    try {
      setMessage(await fn());
      detail.reload();
      props.onChanged();
    } catch (e) {
      setError(e as { code: string; message: string });
    } finally {
      setBusy(false);
    }
  }

  if (detail.loading && !detail.data) return <Loading label="Opening the run…" />;
  if (detail.error && !detail.data) return <ErrorBanner error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return null;
  const d = detail.data;
  const resumable = ['planned', 'running', 'interrupted', 'failed'].includes(d.run.status);
  const restorable = ['completed', 'failed', 'interrupted'].includes(d.run.status) && d.snapshots.length > 0;
  return (
    <section className="plan-dialog" aria-labelledby="run-title">
      <h2 id="run-title">
        Merge of {contact(d.run, d.run.survivorId)} on {formatDateTime(d.run.createdAt)} ·{' '}
        {STATUS_LABEL[d.run.status]}
      </h2>
      <p className="muted">
        {d.run.strategy === 'native' ? 'CRM merge' : 'Manual strategy'} · survivor{' '}
        {contact(d.run, d.run.survivorId)} · merged {d.run.loserIds.map((l) => contact(d.run, l)).join(', ')}
        {d.run.groupId !== null ? ` · group ${d.run.groupId}` : ''} · confirmed:{' '}
        {d.confirmed.map((c) => words.guardLabel(c)).join(', ') || 'nothing needed confirming'} ·{' '}
        {d.run.stepsDone} of {plural(d.run.stepsTotal, 'step')} done
      </p>
      {d.run.error && <p className="warning">{d.run.error.message}</p>}
      <ol className="step-list">
        {d.steps
          .filter((s) => isMergeStep(s.name))
          .map((s) => (
            <li key={s.seq} data-status={s.status}>
              <strong>{stepLabel(s.name)}</strong>
              {stepTarget(d, s)}: {stepStatusLabel(s.status)}
              {s.attempts > 1 ? ` after ${s.attempts} attempts` : ''}
              {s.summary && <div className="muted">{s.summary}</div>}
              {s.error && <div className="warning">{s.error.message}</div>}
            </li>
          ))}
      </ol>
      <div className="review-actions">
        {resumable && (
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                const out = await api.call('merge/resume', { runId: d.run.id });
                return `Resume finished: ${out[0]?.status ?? 'nothing to do'}.`;
              })
            }
          >
            Resume
          </button>
        )}
        {restorable && !restore && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void api.call('merge/restore-preview', { runId: d.run.id }).then(setRestore, setError)
            }
          >
            Restore from snapshot…
          </button>
        )}
        <button
          type="button"
          onClick={() =>
            download(
              `mergedesk-plan-${d.run.createdAt.slice(0, 10)}.json`,
              'application/json',
              JSON.stringify(d.plan, null, 2),
            )
          }
        >
          Export plan (JSON)
        </button>
        <button type="button" onClick={() => navigate('history')}>
          Close
        </button>
      </div>
      {restore && (
        <div role="dialog" aria-label="Restore preview">
          <h3>Restore will</h3>
          <ul>
            {restore.willDo.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
          <h3>Cannot come back</h3>
          <ul>
            {restore.cannotReturn.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
          {restore.reason && <p className="warning">{restore.reason}</p>}
          <button
            type="button"
            className="primary"
            disabled={busy || !restore.possible}
            onClick={() =>
              void act(async () => {
                const r = await api.call('merge/restore', { runId: d.run.id, confirm: true });
                setRestore(null);
                setRestored(r);
                return r.problems.length
                  ? 'Restored, but not everything is as it was before the merge (below).'
                  : `Restored: ${r.recreated.map((x) => `${contact(d.run, x.oldId)} → new contact #${x.newId}`).join(', ') || 'fields and tags put back'}.`;
              })
            }
          >
            Restore now
          </button>{' '}
          <button type="button" onClick={() => setRestore(null)}>
            Cancel
          </button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {(restored ?? asRestoreOutcome(d.restoreResult)) && (
        <RestoreResultPanel result={(restored ?? asRestoreOutcome(d.restoreResult))!} />
      )}
      {error && <ErrorBanner error={error} />}
    </section>
  );
}

type RestoreOutcome = Output<'merge/restore'>;

/** Runs restored before members were reported have no `members`; they show no access panel. */
function asRestoreOutcome(v: unknown): RestoreOutcome | null {
  return v && typeof v === 'object' && Array.isArray((v as { members?: unknown }).members)
    ? (v as RestoreOutcome)
    : null;
}

/** What a restore left: per member, who they are linked to now and the access tags they hold, read back. */
function RestoreResultPanel(props: { result: RestoreOutcome }) {
  const r = props.result;
  return (
    <section aria-label="Restore result" className="restore-result">
      <h3>Access after the restore</h3>
      {r.members.length === 0 ? (
        <p className="muted">No WordPress member was involved in this merge.</p>
      ) : (
        <ul>
          {r.members.map((m) => (
            <li key={m.wpId} data-ok={m.ok ? 'yes' : 'no'}>
              <strong>{m.displayName ? `${m.displayName} (${m.login})` : m.login}</strong>
              {': linked to '}
              {m.contactId
                ? m.contactName
                  ? `${m.contactName} (#${m.contactId})`
                  : `contact #${m.contactId}`
                : 'no contact'}
              {' · access: '}
              {m.accessTags.length ? m.accessTags.join(', ') : 'none'}
              {m.missing.length > 0 && (
                <div className="warning">Missing since the merge: {m.missing.join(', ')}</div>
              )}
            </li>
          ))}
        </ul>
      )}
      {r.problems.length > 0 && (
        <>
          <h3>Not as before</h3>
          <ul>
            {r.problems.map((p) => (
              <li key={p} className="warning">
                {p}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
