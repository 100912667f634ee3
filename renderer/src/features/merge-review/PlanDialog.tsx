import { useEffect, useRef, useState } from 'react';
import { useApi, useEvent, useQuery } from '../../lib/api-context';
import { ErrorBanner, Loading } from '../../components/states';
import type { GuardCode, Input, RunDetail } from '../../../../app/api/contract';
import { isMergeStep, stepLabel, stepStatusLabel } from './step-labels';
import { words } from '../../../../app/api/client';
import { plural } from '../../lib/format';
import type { PlanPreview, PreviewLine } from '../../../../app/api/contract';

/**
 * The preview's lines under the journaled steps they describe, so the plan counts steps the way the run, the
 * result and History do. A step that repeats (one CRM merge per duplicate) takes one line each.
 */
function groupLines(preview: PlanPreview): { name: string; lines: PreviewLine[] }[] {
  const byName = new Map<string, PreviewLine[]>();
  for (const l of preview.lines) byName.set(l.step, [...(byName.get(l.step) ?? []), l]);
  const repeats = (name: string) => preview.steps.filter((s) => s.name === name).length;
  return preview.steps.map((s) => {
    const queue = byName.get(s.name) ?? [];
    const lines = repeats(s.name) > 1 ? queue.splice(0, 1) : queue.splice(0);
    return { name: s.name, lines };
  });
}

type Choices = Input<'merge/plan'>['choices'];

interface StepView {
  readonly seq: number;
  readonly name: string;
  readonly status: string;
  readonly message?: string | undefined;
}

/**
 * The plan preview: every change in order, the guards to confirm and what cannot be undone; then the run,
 * step by step, from the merge/step events.
 */
export function PlanDialog(props: {
  groupId: number;
  choices: Choices;
  onClose: () => void;
  onDone: (detail: RunDetail) => void;
  /** Confirmations the reviewer already gave in the review (e.g. that two records are one person). */
  confirmed?: readonly GuardCode[];
}) {
  const api = useApi();
  const plan = useQuery('merge/plan', { groupId: props.groupId, choices: props.choices });
  const [confirmed, setConfirmed] = useState<GuardCode[]>(() => [...(props.confirmed ?? [])]);
  const [runId, setRunId] = useState<string | null>(null);
  const [steps, setSteps] = useState<StepView[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  useEvent('merge/step', (p) => {
    if (p.runId !== runId || !isMergeStep(p.name)) return;
    setSteps((list) =>
      [
        ...list.filter((s) => s.seq !== p.seq),
        { seq: p.seq, name: p.name, status: p.status, message: p.message },
      ].sort((a, b) => a.seq - b.seq),
    );
  });

  // "Maybe two people" comes first: nothing else matters if these are two different people.
  const planSteps = plan.data ? groupLines(plan.data.preview) : [];
  const guards = [...(plan.data?.plan.guards ?? [])].sort(
    (a, b) => Number(b.code === 'two_people') - Number(a.code === 'two_people'),
  );
  const blocked = guards.some((g) => g.severity === 'block');
  const unconfirmed = guards.filter((g) => g.severity === 'confirm' && !confirmed.includes(g.code));

  const fail = (e: unknown) => {
    const err = e as { code?: string; message?: string };
    setError({ code: err.code ?? 'INTERNAL', message: err.message ?? String(e) });
  };

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const queued = await api.call('merge/queue', {
        groupId: props.groupId,
        choices: props.choices,
        confirm: confirmed,
      });
      setRunId(queued.runId);
      const detail = await api.call('merge/execute', { runId: queued.runId, confirm: confirmed });
      if (detail.run.status === 'completed') props.onDone(detail);
      else
        setError(
          detail.run.error ?? { code: detail.run.status, message: `The merge is ${detail.run.status}.` },
        );
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  async function queueOnly() {
    setBusy(true);
    try {
      const queued = await api.call('merge/queue', {
        groupId: props.groupId,
        choices: props.choices,
        confirm: confirmed,
      });
      void queued;
      setNotice(
        'Saved for later in History. It is re-checked against the CRM before it runs (History → Resume).',
      );
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  async function dryRun() {
    setBusy(true);
    try {
      const dry = await api.call('merge/dry-run', { groupId: props.groupId, choices: props.choices });
      void dry;
      setNotice('Dry run recorded in History. Nothing was changed.');
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="plan-dialog" role="dialog" aria-modal="false" aria-labelledby="plan-title">
      <h2 id="plan-title" tabIndex={-1} ref={heading}>
        Merge plan
      </h2>
      {plan.loading && !plan.data && <Loading label="Building the plan…" />}
      {plan.error && <ErrorBanner error={plan.error} onRetry={plan.reload} />}
      {plan.data && (
        <>
          {guards
            .filter((g) => g.code === 'two_people')
            .map((g) => (
              <div
                key={g.code}
                className="callout-danger two-people"
                role="group"
                aria-label="Maybe two people"
              >
                <strong>Maybe two people.</strong> {g.message}
                <label>
                  <input
                    type="checkbox"
                    checked={confirmed.includes(g.code)}
                    onChange={(e) =>
                      setConfirmed((c) => (e.target.checked ? [...c, g.code] : c.filter((x) => x !== g.code)))
                    }
                  />{' '}
                  I have checked: these records are one person
                </label>
              </div>
            ))}
          <h3>The merge runs in {plural(planSteps.length, 'step')}</h3>
          <ol className="plan-lines" aria-label="Steps">
            {planSteps.map((st, i) => (
              <li key={`${st.name}-${i}`}>
                <span className="badge">{stepLabel(st.name)}</span>
                <ul>
                  {st.lines.map((l) => (
                    <li key={l.seq} className={l.reversible ? undefined : 'irreversible'}>
                      {l.text}
                      {!l.reversible && <strong> (cannot be undone)</strong>}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          {plan.data.preview.irreversible.length > 0 && (
            <>
              <h3>What cannot be undone</h3>
              <ul>
                {plan.data.preview.irreversible.map((t) => (
                  <li key={t}>{t}</li>
                ))}
              </ul>
            </>
          )}
          {guards.some((g) => g.code !== 'two_people') && (
            <fieldset>
              <legend>Guards</legend>
              {guards
                .filter((g) => g.code !== 'two_people')
                .map((g) => (
                  <label key={`${g.code}-${g.message}`} style={{ display: 'block' }}>
                    {g.severity === 'block' ? (
                      <span className="warning">
                        Blocked — {words.guardLabel(g.code)}: {g.message}
                      </span>
                    ) : (
                      <>
                        <input
                          type="checkbox"
                          checked={confirmed.includes(g.code)}
                          onChange={(e) =>
                            setConfirmed((c) =>
                              e.target.checked ? [...c, g.code] : c.filter((x) => x !== g.code),
                            )
                          }
                        />{' '}
                        <strong>{words.guardLabel(g.code)}:</strong> {g.message} I understand.
                      </>
                    )}
                  </label>
                ))}
            </fieldset>
          )}
          <div className="review-actions">
            <button
              type="button"
              className="primary"
              disabled={busy || blocked || unconfirmed.length > 0 || runId !== null}
              onClick={() => void run()}
            >
              Run merge
            </button>
            <button
              type="button"
              disabled={busy || blocked || unconfirmed.length > 0 || runId !== null}
              onClick={() => void queueOnly()}
            >
              Save for later
            </button>
            <button type="button" disabled={busy} onClick={() => void dryRun()}>
              Record dry run
            </button>
            <button type="button" onClick={props.onClose} disabled={busy}>
              Close
            </button>
          </div>
        </>
      )}
      {notice && <p role="status">{notice}</p>}
      {steps.length > 0 && (
        <>
          <h3>Progress</h3>
          <ol className="step-list" aria-live="polite">
            {steps.map((s) => (
              <li key={s.seq} data-status={s.status}>
                {stepLabel(s.name)}: {stepStatusLabel(s.status)}
                {s.message ? ` — ${s.message}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      {error && (
        <ErrorBanner
          error={{
            code: error.code,
            message: `${error.message}${runId ? ' The journal kept every finished step: resume it from History.' : ''}`,
          }}
        />
      )}
    </section>
  );
}
