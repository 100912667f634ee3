import { useQuery } from '../../lib/api-context';
import { plural } from '../../lib/format';
import { formatDate } from '../../lib/format';
import { ErrorBanner, Loading } from '../../components/states';
import './wordpress.css';

/**
 * For a contact's detail view: the WordPress user(s) linked to this CRM contact, their AccessAlly tags, and the
 * AccessAlly orders keyed by the contact id. `connectionId` may be the contact's CRM connection (every paired site
 * is searched) or a WordPress connection.
 */
export function LinkedWordPressUsers(props: { connectionId: string; contactId: string }) {
  const q = useQuery('wordpress/membersForContact', {
    connectionId: props.connectionId,
    contactId: props.contactId,
  });
  return (
    <section className="wp-linked" aria-label="Linked WordPress users">
      <h3>WordPress users of contact {props.contactId}</h3>
      {q.loading && !q.data && <Loading label="Looking for linked users…" />}
      {q.error && <ErrorBanner error={q.error} onRetry={q.reload} />}
      {q.data && q.data.members.length === 0 && (
        <p className="muted">
          No WordPress user is linked to contact {props.contactId} (as of the last site sync).
        </p>
      )}
      {q.data && q.data.members.length > 1 && (
        <p className="warning">
          {plural(q.data.members.length, 'user')} point at this contact: AccessAlly grants them the same
          access.
        </p>
      )}
      {q.data?.members.map((m) => (
        <div key={`${m.connectionId}:${m.wpId}`} className="wp-linked-user">
          <div>
            <strong>{m.displayName || m.login}</strong>{' '}
            <span className="muted">
              #{m.wpId} · {m.login}
            </span>
          </div>
          <div className="muted">
            {m.email} · last login {formatDate(m.lastLoginAt, 'unknown')}
          </div>
          <ul className="tags" aria-label={`AccessAlly tags of ${m.login}`}>
            {m.accessTags.length === 0 && <li className="muted">No AccessAlly tags</li>}
            {m.accessTags.map((t) => (
              <li key={t.id} className="tag">
                {t.name}
              </li>
            ))}
          </ul>
          {Object.keys(m.progress).length > 0 && (
            <div className="muted">
              Progress:{' '}
              {Object.entries(m.progress)
                .map(([k, v]) => `${k} ${String(v)}`)
                .join(' · ')}
            </div>
          )}
        </div>
      ))}
      {q.data && q.data.orders.length > 0 && (
        <div>
          <h4>AccessAlly orders and subscriptions</h4>
          <ul>
            {q.data.orders.map((o) => (
              <li key={`${o.connectionId}:${o.kind}:${o.id}`}>
                {o.kind === 'subscription' ? 'Subscription' : 'Order'} {o.id}: {o.title ?? 'untitled'} (
                {o.status ?? '?'})
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
