import type { RunDetail } from '../../../../app/api/contract';
import { formatDateTime } from '../../lib/format';

/** What the last merge did; it stays in view while the reviewer moves on to the next group. */
export function MergeResult(props: { detail: RunDetail; onClose?: () => void }) {
  const { run } = props.detail;
  // "Ann Lee (#101)": the name people know, the id beside it.
  const who = (id: string) => (run.names[id] ? `${run.names[id]} (#${id})` : `#${id}`);
  return (
    <section className="callout-ok merge-result" aria-label="Last merge" aria-live="polite">
      <h2>Merged into {who(run.survivorId)}</h2>
      <p>
        {run.groupId !== null ? `Group ${run.groupId}: ` : ''}
        {run.loserIds.map(who).join(', ')} merged into {who(run.survivorId)}
        {run.finishedAt ? ` on ${formatDateTime(run.finishedAt)}` : ''}.{' '}
        <a href={`#/history/${encodeURIComponent(run.id)}`}>See the run in History</a>
        {props.onClose && (
          <>
            {' '}
            <button type="button" className="link-button" onClick={props.onClose}>
              Hide
            </button>
          </>
        )}
      </p>
    </section>
  );
}
