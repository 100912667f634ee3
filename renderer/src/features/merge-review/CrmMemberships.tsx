import { useQuery } from '../../lib/api-context';
import { ErrorBanner, Loading } from '../../components/states';
import type { GroupMemberships } from '../../../../app/api/contract';
import { AutomationPicker } from './AutomationPicker';

const STATUS_WORDS: Record<string, string> = {
  active: 'subscribed',
  unsubscribed: 'unsubscribed',
  unconfirmed: 'unconfirmed',
  bounced: 'bounced',
};

function listsText(m: GroupMemberships, r: GroupMemberships['records'][string]): string {
  const name = new Map(m.lists.map((l) => [l.id, l.name] as const));
  if (r.lists.length === 0) return 'none';
  return r.lists
    .map((l) => `${name.get(l.listId) ?? 'a list'} (${STATUS_WORDS[l.status] ?? l.status})`)
    .join(', ');
}

function automationsText(m: GroupMemberships, r: GroupMemberships['records'][string]): string {
  const name = new Map(m.automations.map((a) => [a.id, a.name] as const));
  if (r.automations.length === 0) return 'none';
  return r.automations
    .map(
      (a) => `${name.get(a.automationId) ?? 'an automation'}${a.status === 'completed' ? ' (finished)' : ''}`,
    )
    .join(', ');
}

/**
 * Each record's mailing lists and automations, for CRMs that keep them apart from the contact (read live), and
 * the automations the survivor joins, picked from the CRM's own list. The plan subscribes the survivor to the
 * duplicates' lists (an unsubscribe wins); the plan preview names each list and automation.
 */
export function CrmMemberships(props: {
  readonly groupId: number;
  readonly names: Record<string, string>;
  readonly survivorId: string;
  readonly automationIds: readonly string[] | undefined;
  readonly onAutomationsChange: (ids: readonly string[]) => void;
}) {
  const q = useQuery('merge/memberships', { groupId: props.groupId });
  if (q.error) return <ErrorBanner error={q.error} onRetry={q.reload} />;
  if (q.loading && !q.data) return <Loading label="Reading lists and automations from the CRM…" />;
  const m = q.data?.memberships;
  if (!m) return null;
  // Survivor first, as in the grid.
  const ids = Object.keys(m.records).sort((a, b) =>
    a === props.survivorId ? -1 : b === props.survivorId ? 1 : 0,
  );
  return (
    <section className="review-section" aria-labelledby="memberships-title">
      <h3 id="memberships-title">Lists and automations</h3>
      <table className="table" aria-label="Lists and automations per record">
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Lists</th>
            <th scope="col">Automations</th>
          </tr>
        </thead>
        <tbody>
          {ids.map((id) => (
            <tr key={id}>
              <th scope="row">
                {props.names[id] ?? 'A record'}
                {id === props.survivorId ? ' (survivor)' : ''}
              </th>
              <td>{listsText(m, m.records[id]!)}</td>
              <td>{automationsText(m, m.records[id]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        The survivor joins every list a duplicate is on, and stays unsubscribed where any record unsubscribed.
      </p>
      {m.automations.length > 0 && (
        <AutomationPicker
          memberships={m}
          survivorId={props.survivorId}
          value={props.automationIds}
          onChange={props.onAutomationsChange}
        />
      )}
    </section>
  );
}
