import { useEffect, useMemo, useState } from 'react';
import './merge-review.css';
import { useApi, useQuery } from '../../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../../components/states';
import { PlanDialog } from './PlanDialog';
import type {
  Input,
  MultiFieldRow,
  ReviewModel,
  RunDetail,
  SingleFieldRow,
} from '../../../../app/api/contract';

type Choices = NonNullable<Input<'merge/plan'>['choices']>;
type SingleField = SingleFieldRow['field'];
type MultiField = MultiFieldRow['field'];

export const REVIEW_SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'M', action: 'Merge: open the plan preview' },
  { keys: 'N', action: 'Not a duplicate' },
  { keys: 'S', action: 'Skip this group' },
  { keys: '1–9', action: 'Make record 1–9 the survivor' },
  { keys: 'Shift+1–9', action: 'Remove record 1–9 from the group' },
  { keys: 'I', action: 'Show or hide identical rows' },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el &&
    (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
  );
}

/** CiviCRM-style side-by-side review of one duplicate group, survivor first. */
export function GroupReview(props: {
  groupId: number;
  onDone?: (next: 'merged' | 'dismissed' | 'skipped') => void;
}) {
  const api = useApi();
  const [survivorId, setSurvivorId] = useState<string | undefined>(undefined);
  const [skipTagIds, setSkipTagIds] = useState<string[]>([]);
  const review = useQuery('merge/review', {
    groupId: props.groupId,
    ...(survivorId ? { survivorId } : {}),
    ...(skipTagIds.length ? { skipTagIds } : {}),
  });
  const [fieldPicks, setFieldPicks] = useState<Partial<Record<SingleField, string>>>({});
  const [multi, setMulti] = useState<Partial<Record<MultiField, string[]>>>({});
  const [keepWpId, setKeepWpId] = useState<number | null | undefined>(undefined);
  const [sequencesText, setSequencesText] = useState('');
  const [showIdentical, setShowIdentical] = useState(false);
  const [planOpen, setPlanOpen] = useState(false);
  const [actionError, setActionError] = useState<{ code: string; message: string } | null>(null);
  const [done, setDone] = useState<RunDetail | null>(null);
  const [samePerson, setSamePerson] = useState(false);

  const model = review.data;
  const sequences = useMemo(() => parseSequences(sequencesText), [sequencesText]);
  const choices: Choices = useMemo(() => {
    const fields: Record<string, { from: string }> = {};
    for (const [k, v] of Object.entries(fieldPicks)) if (v) fields[k] = { from: v };
    return {
      ...(model ? { survivorId: model.survivorId } : {}),
      ...(Object.keys(fields).length ? { fields } : {}),
      ...(Object.keys(multi).length ? { multi } : {}),
      ...(skipTagIds.length ? { skipTagIds } : {}),
      ...(keepWpId !== undefined ? { keepWpId } : {}),
      ...(sequences.length ? { sequences } : {}),
    };
  }, [model, fieldPicks, multi, skipTagIds, keepWpId, sequences]);

  async function notDuplicate() {
    try {
      await api.call('merge/not-duplicate', { groupId: props.groupId });
      props.onDone?.('dismissed');
    } catch (e) {
      setActionError(e as { code: string; message: string });
    }
  }

  async function removeRecord(crmId: string) {
    try {
      const r = await api.call('merge/remove-member', { groupId: props.groupId, crmId });
      if (r.status === 'dismissed') props.onDone?.('dismissed');
      else {
        setSurvivorId(undefined);
        review.reload();
      }
    } catch (e) {
      setActionError(e as { code: string; message: string });
    }
  }

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.altKey || e.ctrlKey || e.metaKey || !model || planOpen) return;
      const digit = /^Digit([1-9])$/.exec(e.code);
      if (digit) {
        const rec = model.records[Number(digit[1]) - 1];
        if (!rec) return;
        e.preventDefault();
        if (e.shiftKey) void removeRecord(rec.contactId);
        else setSurvivorId(rec.contactId);
        return;
      }
      const key = e.key.toLowerCase();
      if (key === 'm') {
        e.preventDefault();
        setPlanOpen(true);
      } else if (key === 'n') {
        e.preventDefault();
        void notDuplicate();
      } else if (key === 's') {
        e.preventDefault();
        props.onDone?.('skipped');
      } else if (key === 'i') {
        e.preventDefault();
        setShowIdentical((v) => !v);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (review.loading && !model) return <Loading label="Opening the group…" />;
  if (review.error && !model) return <ErrorBanner error={review.error} onRetry={review.reload} />;
  if (!model) return <EmptyState title="Nothing to review" />;
  if (done) {
    return (
      <section aria-label="Merge finished">
        <h2>Merged into #{done.run.survivorId}</h2>
        <p>
          {done.run.loserIds.map((l) => `#${l}`).join(', ')} merged; {done.steps.length - 1} steps journaled.{' '}
          <a href={`#/history/${encodeURIComponent(done.run.id)}`}>See the run in History</a>.
        </p>
        <button type="button" className="primary" onClick={() => props.onDone?.('merged')}>
          Next group
        </button>
      </section>
    );
  }

  return (
    <section aria-label={`Review group ${props.groupId}`}>
      <h2>
        Group {props.groupId} · {model.records.length} records
        {model.lane ? ` · ${model.lane.replace(/_/g, ' ')}` : ''}
      </h2>
      <p className="muted">
        {model.survivorReason}. Strategy:{' '}
        {model.strategy === 'native'
          ? 'CRM merge'
          : model.strategy === 'manual'
            ? 'manual (no CRM merge)'
            : 'unknown until the CRM is connected'}
        .
      </p>
      <TwoPeople model={model} confirmed={samePerson} onConfirm={setSamePerson} />
      {review.error && <ErrorBanner error={review.error} onRetry={review.reload} />}
      {actionError && <ErrorBanner error={actionError} />}
      <ReturnedToReview groupId={props.groupId} />
      <Warnings model={model} />
      <div className="review-actions">
        <button type="button" className="primary" onClick={() => setPlanOpen(true)} aria-keyshortcuts="M">
          Merge…
        </button>
        <button type="button" onClick={() => void notDuplicate()} aria-keyshortcuts="N">
          Not a duplicate
        </button>
        <button type="button" onClick={() => props.onDone?.('skipped')} aria-keyshortcuts="S">
          Skip
        </button>
        <button
          type="button"
          onClick={() => setShowIdentical((v) => !v)}
          aria-keyshortcuts="I"
          aria-pressed={showIdentical}
        >
          {showIdentical ? 'Hide identical rows' : 'Show identical rows'}
        </button>
      </div>
      {planOpen && (
        <PlanDialog
          groupId={props.groupId}
          choices={choices}
          onClose={() => setPlanOpen(false)}
          onDone={(d) => setDone(d)}
          confirmed={samePerson ? ['two_people'] : []}
        />
      )}
      <Grid
        model={model}
        showIdentical={showIdentical}
        fieldPicks={fieldPicks}
        setFieldPick={(f, id) => setFieldPicks((p) => ({ ...p, [f]: id }))}
        multi={multi}
        setMulti={(f, keys) => setMulti((m) => ({ ...m, [f]: keys }))}
        onSurvivor={(id) => {
          setSurvivorId(id);
          setFieldPicks({});
        }}
        onRemove={(id) => void removeRecord(id)}
      />
      <Tags model={model} skip={skipTagIds} setSkip={setSkipTagIds} />
      <WordPress
        model={model}
        keepWpId={keepWpId === undefined ? model.wordpress.keepWpId : keepWpId}
        setKeep={setKeepWpId}
      />
      <AccessPreview model={model} />
      <section className="review-section" aria-labelledby="seq-title">
        <h3 id="seq-title">Sequences</h3>
        <p className="muted">
          A merge does not carry the duplicates&apos; sequence membership. Add the survivor to sequences (ids,
          comma-separated; write campaign:sequence when the CRM needs the campaign).
        </p>
        <input
          aria-labelledby="seq-title"
          value={sequencesText}
          onChange={(e) => setSequencesText(e.target.value)}
          placeholder="e.g. 12:34, 56"
        />
      </section>
      <details className="shortcuts review-section">
        <summary>Keyboard shortcuts</summary>
        <ul>
          {REVIEW_SHORTCUTS.map((s) => (
            <li key={s.keys}>
              <kbd>{s.keys}</kbd> {s.action}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}

/** When a saved decision went stale, says what changed in the CRM so the reviewer decides again knowingly. */
function ReturnedToReview(props: { groupId: number }) {
  const runs = useQuery('merge/runs', { limit: 200 });
  const last = runs.data?.find((r) => r.groupId === props.groupId && !r.dryRun);
  if (!last || last.status !== 'stale') return null;
  const changes = (last.error?.details as { changes?: unknown } | undefined)?.changes;
  return (
    <section className="review-section warning" aria-label="Returned to review" role="note">
      <h3>Returned to review: the records changed after the last decision</h3>
      {Array.isArray(changes) && changes.length > 0 ? (
        <ul>
          {changes.map((c) => (
            <li key={String(c)}>{String(c)}</li>
          ))}
        </ul>
      ) : (
        <p>{last.error?.message}</p>
      )}
      <p className="muted">Nothing was changed. Review the group again before merging.</p>
    </section>
  );
}

function parseSequences(text: string): { campaignId?: string; sequenceId: string }[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [a, b] = s.split(':').map((x) => x.trim());
      return b ? { campaignId: a!, sequenceId: b } : { sequenceId: a! };
    });
}

/** A group that may be two people says why first, and asks the reviewer to confirm before anything merges. */
function TwoPeople(props: { model: ReviewModel; confirmed: boolean; onConfirm: (v: boolean) => void }) {
  const { model } = props;
  if (model.lane !== 'maybe_two_people' && model.identityConflicts.length === 0) return null;
  return (
    <section className="callout-danger two-people" aria-label="Maybe two people" role="group">
      <h3>These may be two different people</h3>
      {model.identityConflicts.length > 0 ? (
        <ul>
          {model.identityConflicts.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      ) : (
        <p>Detection put this group in “Maybe two people”.</p>
      )}
      <p>
        Merging two people gives one of them the other&apos;s purchases and access. A batch never merges this
        group.
      </p>
      <label>
        <input
          type="checkbox"
          checked={props.confirmed}
          onChange={(e) => props.onConfirm(e.target.checked)}
        />{' '}
        I have checked: these records are one person
      </label>
    </section>
  );
}

function Warnings(props: { model: ReviewModel }) {
  if (props.model.warnings.length === 0) return null;
  return (
    <ul className="warnings" aria-label="Warnings">
      {props.model.warnings.map((w) => (
        <li key={`${w.code}-${w.message}`} className="warning">
          {w.message}
        </li>
      ))}
    </ul>
  );
}

function Grid(props: {
  model: ReviewModel;
  showIdentical: boolean;
  fieldPicks: Partial<Record<SingleField, string>>;
  setFieldPick: (f: SingleField, id: string) => void;
  multi: Partial<Record<MultiField, string[]>>;
  setMulti: (f: MultiField, keys: string[]) => void;
  onSurvivor: (id: string) => void;
  onRemove: (id: string) => void;
}) {
  const { model } = props;
  const recs = model.records;
  const identical = model.rows.filter((r) => r.identical);
  const visible = model.rows.filter((r) => !r.identical || props.showIdentical);
  const cls = (i: number) => (i === 0 ? 'survivor' : undefined);
  return (
    <table className="review-grid review-section">
      <caption className="muted" style={{ textAlign: 'left' }}>
        Pick a value per row; the survivor is the first column.
      </caption>
      <thead>
        <tr>
          <th className="field" scope="col">
            Field
          </th>
          {recs.map((r, i) => (
            <th key={r.contactId} scope="col" className={cls(i)}>
              <div>
                {i + 1}. {r.displayName} <span className="muted">#{r.contactId}</span>
              </div>
              <div className="rule">
                updated {r.updatedAt?.slice(0, 10) ?? '—'} · created {r.createdAt?.slice(0, 10) ?? '—'} ·
                completeness {r.completeness}
              </div>
              {i === 0 ? (
                <span className="badge new">Survivor</span>
              ) : (
                <button
                  type="button"
                  onClick={() => props.onSurvivor(r.contactId)}
                  aria-keyshortcuts={String(i + 1)}
                  aria-label={`Make #${r.contactId} the survivor`}
                >
                  Make survivor
                </button>
              )}{' '}
              <button
                type="button"
                onClick={() => props.onRemove(r.contactId)}
                aria-keyshortcuts={`Shift+${i + 1}`}
                aria-label={`Remove #${r.contactId} from the group`}
              >
                Remove from group
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {visible.map((row) =>
          row.kind === 'single' ? (
            <tr key={row.field}>
              <th scope="row" className="field">
                {row.label}
                <span className="rule">{row.choice.reason}</span>
              </th>
              {recs.map((r, i) => {
                const picked = props.fieldPicks[row.field] ?? row.choice.contactId;
                const value = row.values[i];
                return (
                  <td key={r.contactId} className={cls(i)}>
                    {row.identical ? (
                      (value ?? <span className="muted">—</span>)
                    ) : (
                      <label>
                        <input
                          type="radio"
                          name={`field-${row.field}`}
                          checked={picked === r.contactId}
                          onChange={() => props.setFieldPick(row.field, r.contactId)}
                          aria-label={`${row.label} from record ${i + 1}`}
                        />
                        <span>{value ?? <span className="muted">(empty)</span>}</span>
                      </label>
                    )}
                  </td>
                );
              })}
            </tr>
          ) : (
            <tr key={row.field}>
              <th scope="row" className="field">
                {row.label}
                <span className="rule">{row.reason}</span>
              </th>
              <td colSpan={recs.length}>
                {row.options.length === 0 && <span className="muted">None on any record</span>}
                {row.options.map((o) => {
                  const selected =
                    props.multi[row.field] ?? row.options.filter((x) => x.defaultChecked).map((x) => x.key);
                  return (
                    <label key={o.key}>
                      <input
                        type="checkbox"
                        checked={selected.includes(o.key)}
                        onChange={(e) =>
                          props.setMulti(
                            row.field,
                            e.target.checked ? [...selected, o.key] : selected.filter((k) => k !== o.key),
                          )
                        }
                      />
                      <span>
                        {o.display}
                        <span className="muted">
                          {' '}
                          on {o.on.map((id) => `${recs.findIndex((r) => r.contactId === id) + 1}`).join(', ')}
                        </span>
                        {o.optedOut && (
                          <span className="badge revoke">
                            opted out{o.optInConflict ? ' on one record — opt-out wins' : ''}
                          </span>
                        )}
                      </span>
                    </label>
                  );
                })}
              </td>
            </tr>
          ),
        )}
        {!props.showIdentical && identical.length > 0 && (
          <tr className="collapsed-summary">
            <td colSpan={recs.length + 1}>
              {identical.length} identical row(s) hidden ({identical.map((r) => r.label).join(', ')}) — press
              I to show.
            </td>
          </tr>
        )}
        <tr>
          <th scope="row" className="field">
            Orders
          </th>
          {recs.map((r, i) => (
            <td key={r.contactId} className={cls(i)}>
              {r.orders.length === 0 && <span className="muted">none</span>}
              {r.orders.map((o) => (
                <div key={o.id}>
                  {o.title ?? o.id} · {o.status ?? '—'}
                  {o.total !== null ? ` · ${o.total}` : ''}
                </div>
              ))}
              {r.wpOrders.map((o) => (
                <div key={`${o.kind}-${o.id}`}>
                  AccessAlly {o.kind} {o.title ?? o.id} · {o.status ?? '—'}
                </div>
              ))}
            </td>
          ))}
        </tr>
        <tr>
          <th scope="row" className="field">
            Subscriptions
          </th>
          {recs.map((r, i) => (
            <td key={r.contactId} className={cls(i)}>
              {r.subscriptions.length === 0 && <span className="muted">none</span>}
              {r.subscriptions.map((s) => (
                <div key={s.id}>
                  {s.title ?? s.id} · {s.status ?? '—'}
                  {s.active && <span className="badge access">active</span>}
                </div>
              ))}
            </td>
          ))}
        </tr>
        <tr>
          <th scope="row" className="field">
            Email consent
          </th>
          {recs.map((r, i) => (
            <td key={r.contactId} className={cls(i)}>
              {r.emailOptIn === null ? (
                <span className="muted">unknown</span>
              ) : r.emailOptIn ? (
                'opted in'
              ) : (
                <strong>opted out</strong>
              )}
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}

function Tags(props: { model: ReviewModel; skip: string[]; setSkip: (ids: string[]) => void }) {
  const { model } = props;
  return (
    <section className="review-section" aria-labelledby="tags-title">
      <h3 id="tags-title">Tags the survivor ends with</h3>
      {model.tags.length === 0 && <p className="muted">No tags on any record.</p>}
      <div className="tag-groups">
        {model.tags.map((g) => (
          <fieldset key={g.category}>
            <legend>{g.category}</legend>
            {g.tags.map((t) => (
              <label key={t.id} style={{ display: 'block' }}>
                <input
                  type="checkbox"
                  checked={!props.skip.includes(t.id)}
                  disabled={!t.newOnSurvivor}
                  onChange={(e) =>
                    props.setSkip(
                      e.target.checked ? props.skip.filter((x) => x !== t.id) : [...props.skip, t.id],
                    )
                  }
                />{' '}
                {t.name}
                {t.access && <span className="badge access">access</span>}
                {t.revoke && <span className="badge revoke">revoke</span>}
                {t.automation && <span className="badge automation">may start automation</span>}
                {t.newOnSurvivor && <span className="badge new">added</span>}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </section>
  );
}

function WordPress(props: { model: ReviewModel; keepWpId: number | null; setKeep: (id: number) => void }) {
  const { model } = props;
  const users = model.records.flatMap((r) => r.wpUsers.map((u) => ({ ...u, contactId: r.contactId })));
  return (
    <section className="review-section" aria-labelledby="wp-title">
      <h3 id="wp-title">WordPress users</h3>
      {users.length === 0 ? (
        <p className="muted">No WordPress user is linked to these records.</p>
      ) : (
        <>
          <p className="muted">
            {model.wordpress.reason}. The kept login ends linked to #{model.survivorId}.
          </p>
          {users.map((u) => {
            const outcome = model.wordpress.users.find((x) => x.wpId === u.wpId)?.outcome;
            return (
              <label key={u.wpId} style={{ display: 'block' }}>
                <input
                  type="radio"
                  name="keep-wp"
                  checked={props.keepWpId === u.wpId}
                  onChange={() => props.setKeep(u.wpId)}
                />{' '}
                {u.login}{' '}
                <span className="muted">
                  (#{u.wpId}, linked to #{u.contactId}, last login {u.lastLoginAt?.slice(0, 10) ?? 'never'}
                  {u.hasProgress
                    ? `, progress ${Object.entries(u.progress)
                        .map(([k, v]) => `${k}: ${String(v)}`)
                        .join(', ')}`
                    : ''}
                  )
                </span>{' '}
                — {outcome}
              </label>
            );
          })}
        </>
      )}
    </section>
  );
}

function AccessPreview(props: { model: ReviewModel }) {
  const a = props.model.access;
  return (
    <section className="review-section" aria-labelledby="access-title">
      <h3 id="access-title">Access preview</h3>
      <dl className="facts">
        {a.before.map((b, i) => (
          <div key={b.contactId} style={{ display: 'contents' }}>
            <dt>
              Before, record {i + 1} (#{b.contactId})
            </dt>
            <dd>{b.tags.join(', ') || <span className="muted">no access tags</span>}</dd>
          </div>
        ))}
        <dt>After, on #{props.model.survivorId}</dt>
        <dd>{a.after.join(', ') || <span className="muted">no access tags</span>}</dd>
        <dt>Gained by the survivor</dt>
        <dd>{a.gained.join(', ') || '—'}</dd>
        <dt>Lost</dt>
        <dd>{a.lost.length ? <strong className="warning">{a.lost.join(', ')}</strong> : 'nothing'}</dd>
      </dl>
    </section>
  );
}
