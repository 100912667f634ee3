import { useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { WordPressConnections } from '../features/wordpress/WordPressConnections';

export function ConnectionsScreen() {
  const status = useQuery('workspace/status', {});
  return (
    <section>
      <h1>Connections</h1>
      {status.loading && !status.data && <Loading />}
      {status.error && <ErrorBanner error={status.error} onRetry={status.reload} />}
      {status.data && status.data.connections.length === 0 && (
        <EmptyState title="No CRM or WordPress site connected yet">
          Connect your Keap account and your WordPress site so Mergedesk can cache contacts and find
          duplicates.
        </EmptyState>
      )}
      {status.data && status.data.connections.length > 0 && (
        <ul className="connection-list">
          {status.data.connections.map((c) => (
            <li key={c.id}>
              <strong>{c.label}</strong> <span className="muted">{c.kind}</span> {c.baseUrl}
            </li>
          ))}
        </ul>
      )}
      <WordPressConnections />
    </section>
  );
}
