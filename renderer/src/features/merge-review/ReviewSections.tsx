import type { ReviewModel } from '../../../../app/api/contract';
import { useQuery } from '../../lib/api-context';
import { formatDate } from '../../lib/format';
import type { ReviewAction, ReviewState } from './review-state';

/** A group that may be two people says why first, and asks the reviewer to confirm before anything merges. */
export function TwoPeople(props: {
  model: ReviewModel;
  confirmed: boolean;
  dispatch: (a: ReviewAction) => void;
}) {
  const { model } = props;
  if (model.lane !== 'maybe_two_people') return null;
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
          onChange={(e) => props.dispatch({ type: 'samePerson', confirmed: e.target.checked })}
        />{' '}
        I have checked: these records are one person
      </label>
    </section>
  );
}

/** When a saved decision went stale, says what changed in the CRM so the reviewer decides again knowingly. */
export function ReturnedToReview(props: { groupId: number }) {
  // This group's own runs: among everyone's latest, an older batch's run would be out of reach.
  const runs = useQuery('merge/runs', { groupId: props.groupId, limit: 50 });
  const last = runs.data?.find((r) => !r.dryRun);
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

export function Warnings(props: { model: ReviewModel }) {
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

export function ReviewTags(props: {
  model: ReviewModel;
  state: ReviewState;
  dispatch: (a: ReviewAction) => void;
}) {
  const { model } = props;
  const skip = props.state.skipTagIds;
  return (
    <section className="review-section" aria-labelledby="tags-title">
      <h3 id="tags-title">Tags the survivor ends with</h3>
      {model.tags.length === 0 && <p className="muted">No tags on any record.</p>}
      <div className="tag-groups">
        {model.tags.map((g) => (
          <fieldset key={g.category}>
            <legend>{g.category}</legend>
            {g.tags.map((t) => (
              <label key={t.id} className="tag-option">
                <input
                  type="checkbox"
                  checked={!skip.includes(t.id)}
                  disabled={!t.newOnSurvivor}
                  onChange={(e) =>
                    props.dispatch({
                      type: 'skipTags',
                      ids: e.target.checked ? skip.filter((x) => x !== t.id) : [...skip, t.id],
                    })
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

/** Course progress in figures: "22 lessons completed" rather than a raw key/value dump. */
export function progressText(progress: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(progress)
    .filter(([, v]) => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)))
    .map(
      ([k, v]) =>
        `${String(v)} ${k
          .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
          .replace(/[_-]+/g, ' ')
          .toLowerCase()}`,
    );
  return parts.length ? parts.join(', ') : 'no course progress';
}

export function WordPressLogins(props: {
  model: ReviewModel;
  keepWpId: number | null;
  dispatch: (a: ReviewAction) => void;
}) {
  const { model } = props;
  const users = model.records.flatMap((r) => r.wpUsers.map((u) => ({ ...u, contactId: r.contactId })));
  return (
    <section className="review-section" aria-labelledby="wp-title">
      <h3 id="wp-title">WordPress logins</h3>
      {users.length === 0 ? (
        <p className="muted">No WordPress login is linked to these records.</p>
      ) : (
        <>
          <p className="muted">
            {model.wordpress.reason}. The kept login ends linked to {recordName(model, model.survivorId)}.
          </p>
          <ul className="wp-logins" aria-label="WordPress logins">
            {users.map((u) => {
              const outcome = model.wordpress.users.find((x) => x.wpId === u.wpId)?.outcome;
              return (
                <li key={u.wpId}>
                  <label>
                    <input
                      type="radio"
                      name="keep-wp"
                      checked={props.keepWpId === u.wpId}
                      onChange={() => props.dispatch({ type: 'keepWp', wpId: u.wpId })}
                    />{' '}
                    <strong>{u.login}</strong>{' '}
                    <span className="muted">
                      (linked to {recordName(model, u.contactId)}) · {progressText(u.progress)} · last login{' '}
                      {u.lastLoginAt ? formatDate(u.lastLoginAt) : 'never'}
                    </span>
                    {outcome && <> — {outcome}</>}
                  </label>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

/** "Ann Lee (#101)": a record of the group by the name people know, its id beside it. */
function recordName(model: ReviewModel, contactId: string): string {
  const name = model.records.find((r) => r.contactId === contactId)?.displayName;
  return name && name !== `#${contactId}` ? `${name} (#${contactId})` : `#${contactId}`;
}

export function AccessPreview(props: { model: ReviewModel }) {
  const a = props.model.access;
  return (
    <section className="review-section" aria-labelledby="access-title">
      <h3 id="access-title">Access preview</h3>
      <dl className="facts">
        {a.before.map((b, i) => (
          <div key={b.contactId} style={{ display: 'contents' }}>
            <dt>
              Before, record {i + 1}: {recordName(props.model, b.contactId)}
            </dt>
            <dd>{b.tags.join(', ') || <span className="muted">no access tags</span>}</dd>
          </div>
        ))}
        <dt>After, on {recordName(props.model, props.model.survivorId)}</dt>
        <dd>{a.after.join(', ') || <span className="muted">no access tags</span>}</dd>
        <dt>Gained by the survivor</dt>
        <dd>{a.gained.join(', ') || '—'}</dd>
        <dt>Lost</dt>
        <dd>{a.lost.length ? <strong className="warning">{a.lost.join(', ')}</strong> : 'nothing'}</dd>
      </dl>
    </section>
  );
}
