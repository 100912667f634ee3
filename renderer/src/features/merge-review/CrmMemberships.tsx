import { useQuery } from '../../lib/api-context';
import { ErrorBanner } from '../../components/states';

const STATUS_WORDS: Record<string, string> = {
  active: 'subscribed',
  unsubscribed: 'unsubscribed',
  unconfirmed: 'unconfirmed',
  bounced: 'bounced',
};

/**
 * Each record's mailing lists and automations, for CRMs that keep them apart from the contact (read live). The
 * plan subscribes the survivor to the duplicates' lists (an unsubscribe wins) and adds it to their automations;
 * the plan preview names each one.
 */
export function CrmMemberships(props: { readonly groupId: number; readonly names: Record<string, string> }) {
  const q = useQuery('merge/memberships', { groupId: props.groupId });
  if (q.error) return <ErrorBanner error={q.error} onRetry={q.reload} />;
  const m = q.data?.memberships;
  if (!m) return null;
  const listName = new Map(m.lists.map((l) => [l.id, l.name] as const));
  const automationName = new Map(m.automations.map((a) => [a.id, a.name] as const));
  return (
    <div className="panel" aria-label="Lists and automations">
      <h3>Lists and automations</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Lists</th>
            <th scope="col">Automations</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(m.records).map(([id, r]) => (
            <tr key={id}>
              <th scope="row">{props.names[id] ?? `Record ${id}`}</th>
              <td>
                {r.lists.length === 0
                  ? 'none'
                  : r.lists
                      .map(
                        (l) =>
                          `${listName.get(l.listId) ?? 'a list'} (${STATUS_WORDS[l.status] ?? l.status})`,
                      )
                      .join(', ')}
              </td>
              <td>
                {r.automations.length === 0
                  ? 'none'
                  : r.automations
                      .map(
                        (a) =>
                          `${automationName.get(a.automationId) ?? 'an automation'}${a.status === 'completed' ? ' (finished)' : ''}`,
                      )
                      .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        The survivor joins every list a duplicate is on, and stays unsubscribed where any record unsubscribed.
        It is added to the duplicates&apos; automations it is not in yet; automations may send emails at once.
      </p>
    </div>
  );
}
