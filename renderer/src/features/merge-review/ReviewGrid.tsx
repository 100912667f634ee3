import type { ReviewModel } from '../../../../app/api/contract';
import { formatDate, plural } from '../../lib/format';
import type { ReviewAction, ReviewState } from './review-state';

/**
 * The side-by-side grid: one compact row per field, the survivor's column first, values aligned under their
 * record, a radio per differing value.
 */
export function ReviewGrid(props: {
  model: ReviewModel;
  state: ReviewState;
  dispatch: (a: ReviewAction) => void;
  onRemove: (contactId: string) => void;
}) {
  const { model, state, dispatch } = props;
  const recs = model.records;
  const identical = model.rows.filter((r) => r.identical);
  const visible = model.rows.filter((r) => !r.identical || state.showIdentical);
  const cls = (i: number) => (i === 0 ? 'survivor' : undefined);
  return (
    <table className="review-grid review-section">
      <caption className="muted">Pick a value per row; the survivor is the first column.</caption>
      <colgroup>
        <col className="field-col" />
        {recs.map((r) => (
          <col key={r.contactId} />
        ))}
      </colgroup>
      <thead>
        <tr>
          <th className="field" scope="col">
            Field
          </th>
          {recs.map((r, i) => (
            <th key={r.contactId} scope="col" className={cls(i)}>
              <div className="record-name">
                {i + 1}. {r.displayName} <span className="muted">#{r.contactId}</span>
              </div>
              <div className="rule">
                updated {formatDate(r.updatedAt)} · created {formatDate(r.createdAt)} ·{' '}
                {plural(r.completeness, 'value')} on file
              </div>
              <div className="record-actions">
                {i === 0 ? (
                  <span className="badge new">Survivor</span>
                ) : (
                  <button
                    type="button"
                    className="small"
                    onClick={() => dispatch({ type: 'survivor', contactId: r.contactId })}
                    aria-keyshortcuts={String(i + 1)}
                    aria-label={`Make #${r.contactId} the survivor`}
                  >
                    Make survivor
                  </button>
                )}
                <button
                  type="button"
                  className="small"
                  onClick={() => props.onRemove(r.contactId)}
                  aria-keyshortcuts={`Shift+${i + 1}`}
                  aria-label={`Remove #${r.contactId} from the group`}
                >
                  Remove
                </button>
              </div>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {visible.map((row) =>
          row.kind === 'single' ? (
            <tr key={row.field}>
              <th scope="row" className="field" title={row.choice.reason}>
                {row.label}
                <span className="rule">{row.choice.reason}</span>
              </th>
              {recs.map((r, i) => {
                const picked = state.fieldPicks[row.field] ?? row.choice.contactId;
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
                          onChange={() =>
                            dispatch({ type: 'pick', field: row.field, contactId: r.contactId })
                          }
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
              <th scope="row" className="field" title={row.reason}>
                {row.label}
                <span className="rule">{row.reason}</span>
              </th>
              <td colSpan={recs.length}>
                {row.options.length === 0 && <span className="muted">None on any record</span>}
                {row.options.map((o) => {
                  const selected =
                    state.multi[row.field] ?? row.options.filter((x) => x.defaultChecked).map((x) => x.key);
                  return (
                    <label key={o.key} className="multi-option">
                      <input
                        type="checkbox"
                        checked={selected.includes(o.key)}
                        onChange={(e) =>
                          dispatch({
                            type: 'multi',
                            field: row.field,
                            keys: e.target.checked
                              ? [...selected, o.key]
                              : selected.filter((k) => k !== o.key),
                          })
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
        {!state.showIdentical && identical.length > 0 && (
          <tr className="collapsed-summary">
            <td colSpan={recs.length + 1}>
              {plural(identical.length, 'identical row')} hidden ({identical.map((r) => r.label).join(', ')})
              — press I to show.
            </td>
          </tr>
        )}
        <tr>
          <th scope="row" className="field">
            Orders
          </th>
          {recs.map((r, i) => (
            <td key={r.contactId} className={cls(i)}>
              {r.orders.length === 0 && r.wpOrders.length === 0 && <span className="muted">none</span>}
              {r.orders.map((o) => (
                <div key={o.id}>
                  {o.title ?? `Order ${o.id}`} · {o.status ?? '—'}
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
                  {s.title ?? `Subscription ${s.id}`} · {s.status ?? '—'}
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
