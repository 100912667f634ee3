import './overview.css';
import type { AtRiskMember, Overview } from '../../../app/api/contract';
import { useEvent, useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { LANE_LABELS } from '../features/detect/labels';
import { plural } from '../lib/format';

type Lane = keyof Overview['lanes'];
const LANES: readonly Lane[] = ['safe', 'needs_choice', 'maybe_two_people'];

/**
 * The first screen: which members are at risk right now (split access, a link to a contact the CRM no longer
 * has, two logins), each with the group that fixes it; the lanes and their scores beside it; what merges fixed.
 */
export function OverviewScreen() {
  const overview = useQuery('overview/get', {});
  const { reload } = overview;
  useEvent('merge/finished', reload);
  useEvent('detect/finished', reload);
  useEvent('workspace/changed', reload);
  const o = overview.data;
  const empty =
    o && LANES.every((l) => o.lanes[l] === 0) && o.fixed.mergedGroups === 0 && o.splitAccess.length === 0;
  return (
    <section className="overview">
      <h1>Overview</h1>
      {overview.error && <ErrorBanner error={overview.error} onRetry={reload} />}
      {overview.loading && !o && <Loading label="Checking who is at risk…" />}
      {empty && (
        <EmptyState title="Nothing to check yet">
          Connect and sync a CRM and a WordPress site under <a href="#/connections">Connections</a>; the
          duplicates scan follows, and this screen shows which members are at risk.
        </EmptyState>
      )}
      {o && !empty && (
        <div className="overview-grid">
          <div className="overview-risks">
            <p className="lead">
              {plural(o.splitAccess.length + o.missingContact.length + o.twoLogins.length, 'member')} at risk
              right now.
            </p>
            <RiskList
              title="Split access"
              hint="The WordPress login is linked to one record while purchase or access tags sit on its duplicate: the member may lose access."
              members={o.splitAccess}
            />
            <RiskList
              title="Linked to a contact the CRM no longer has"
              hint="The login points at a contact that is gone: AccessAlly cannot refresh this member's tags."
              members={o.missingContact}
            />
            <RiskList
              title="Two logins"
              hint="One person with two WordPress logins: progress and access are split between them."
              members={o.twoLogins}
            />
          </div>
          <aside className="overview-side">
            <section className="panel" aria-labelledby="fixed-title">
              <h2 id="fixed-title">Fixed by merges</h2>
              <p role="status" aria-label="Fixed by merges">
                {o.fixed.mergedGroups === 0
                  ? 'Nothing merged yet.'
                  : `${plural(o.fixed.mergedGroups, 'group')} merged; ${plural(o.fixed.membersSecured, 'member login')} now linked to one record with all its access.`}
              </p>
            </section>
            <section className="panel" aria-labelledby="lanes-title">
              <h2 id="lanes-title">Lanes</h2>
              <ul className="lane-counts" aria-label="Lane counts">
                {LANES.map((l) => (
                  <li key={l}>
                    <a href="#/duplicates">
                      <span className={`lane-dot lane-${l}`} /> {LANE_LABELS[l]}:{' '}
                      {o.lanes[l].toLocaleString()}
                    </a>
                  </li>
                ))}
              </ul>
              <ScoreChart scores={o.scores} />
            </section>
          </aside>
        </div>
      )}
    </section>
  );
}

function RiskList(props: { title: string; hint: string; members: readonly AtRiskMember[] }) {
  return (
    <section className="panel risk-list" aria-label={props.title}>
      <h2>
        {props.title} <span className="count">{props.members.length.toLocaleString()}</span>
      </h2>
      <p className="muted">{props.hint}</p>
      {props.members.length === 0 ? (
        <p className="ok-note">Nobody.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">What is wrong</th>
              <th scope="col">Fix</th>
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr key={`${m.wpId}-${m.login}`}>
                <td>
                  <strong>{m.login}</strong>
                  {m.contactId && (
                    <div className="muted">
                      {m.name ? `${m.name} ` : ''}(#{m.contactId})
                    </div>
                  )}
                </td>
                <td>{m.problem}</td>
                <td>
                  {m.groupId !== null ? (
                    <a href={`#/duplicates/${m.groupId}`}>Review group {m.groupId}</a>
                  ) : (
                    <span className="muted">no duplicate group</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const COLORS: Record<Lane, string> = {
  safe: 'var(--ok)',
  needs_choice: 'var(--warn)',
  maybe_two_people: 'var(--danger)',
};

/** Open groups per score band, one row of bars per lane (plain SVG). */
function ScoreChart(props: { scores: Overview['scores'] }) {
  const bands = props.scores.safe.length;
  const max = Math.max(1, ...LANES.flatMap((l) => props.scores[l]));
  const w = 280;
  const rowH = 46;
  const barW = w / bands;
  return (
    <figure className="score-chart">
      <svg
        viewBox={`0 0 ${w} ${rowH * LANES.length + 14}`}
        role="img"
        aria-label="Score distribution per lane"
        width="100%"
      >
        {LANES.map((l, row) => (
          <g key={l} transform={`translate(0, ${row * rowH})`}>
            <text x={0} y={10} fontSize={10} fill="currentColor">
              {LANE_LABELS[l]}
            </text>
            {props.scores[l].map((n, i) => {
              const h = n === 0 ? 0 : Math.max(2, (n / max) * (rowH - 16));
              return (
                <rect
                  key={i}
                  x={i * barW + 1}
                  y={rowH - 2 - h}
                  width={barW - 2}
                  height={h}
                  fill={COLORS[l]}
                  data-lane={l}
                  data-count={n}
                >
                  <title>{`${LANE_LABELS[l]}: ${plural(n, 'group')} scored ${i * 10}–${i * 10 + 10} %`}</title>
                </rect>
              );
            })}
          </g>
        ))}
        <text x={0} y={rowH * LANES.length + 12} fontSize={9} fill="currentColor">
          0 %
        </text>
        <text x={w} y={rowH * LANES.length + 12} fontSize={9} fill="currentColor" textAnchor="end">
          100 %
        </text>
      </svg>
      <figcaption className="muted">Open groups by score, per lane. A score is a probability.</figcaption>
    </figure>
  );
}
