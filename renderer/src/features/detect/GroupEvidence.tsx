import type { GroupDetail, GroupMember } from '../../../../app/api/contract';
import { LANE_HINTS, LANE_LABELS, percent } from './labels';

const name = (m: GroupMember) =>
  [m.givenName, m.middleName, m.familyName, m.suffix].filter(Boolean).join(' ') || `Contact ${m.crmId}`;

/**
 * The "why" of a group: for each scored pair, every field's comparison level and its match weight (a waterfall in
 * numbers). Kept separate from the side-by-side merge review that sits next to it.
 */
export function GroupEvidence(props: { group: GroupDetail }) {
  const { group } = props;
  const byPk = new Map(group.members.map((m) => [m.pk, m]));
  return (
    <section className="evidence" aria-label="Evidence">
      <p className={`lane-badge lane-${group.lane}`} title={LANE_HINTS[group.lane]}>
        {LANE_LABELS[group.lane]} · {percent(group.score)}
      </p>
      <p className="reason">{group.reason}</p>
      <table className="members-table">
        <caption>Records</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Emails</th>
            <th scope="col">Phones</th>
            <th scope="col">Birthday</th>
            <th scope="col">Address</th>
            <th scope="col">CRM id</th>
          </tr>
        </thead>
        <tbody>
          {group.members.map((m) => (
            <tr key={m.pk}>
              <td>{name(m)}</td>
              <td>{m.emails.join(', ') || '—'}</td>
              <td>{m.phones.join(', ') || '—'}</td>
              <td>{m.birthday ?? '—'}</td>
              <td>{m.addresses[0] ?? '—'}</td>
              <td>{m.crmId}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {group.pairs.length === 0 && (
        <p className="muted">No stored pair scores for this group; run a scan again.</p>
      )}
      {group.pairs.map((p) => {
        const a = byPk.get(p.aPk);
        const b = byPk.get(p.bPk);
        const max = Math.max(1, ...p.contributions.map((c) => Math.abs(c.weight)));
        return (
          <table key={`${p.aPk}-${p.bPk}`} className="pair-table">
            <caption>
              {a ? name(a) : p.aPk} ↔ {b ? name(b) : p.bPk}: {percent(p.score)} (weight {p.weight.toFixed(1)})
              {p.identityConflict && <span className="warning"> · may be two people</span>}
            </caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Comparison</th>
                <th scope="col">Weight</th>
              </tr>
            </thead>
            <tbody>
              {p.contributions.map((c) => (
                <tr key={c.field}>
                  <td>{c.label}</td>
                  <td>{c.level.replace(/_/g, ' ')}</td>
                  <td>
                    <span className="weight-bar">
                      <span
                        className={c.weight >= 0 ? 'bar-pos' : 'bar-neg'}
                        style={{ width: `${Math.round((Math.abs(c.weight) / max) * 100)}%` }}
                      />
                    </span>
                    {c.weight > 0 ? '+' : ''}
                    {c.weight.toFixed(1)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </section>
  );
}
