import { useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';

export function ContactsScreen(_props: { param: string | null }) {
  const status = useQuery('workspace/status', {});
  return (
    <section>
      <h1>Contacts</h1>
      {status.loading && !status.data && <Loading />}
      {status.error && <ErrorBanner error={status.error} onRetry={status.reload} />}
      {status.data && status.data.contacts === 0 && (
        <EmptyState title="No contacts cached yet">
          Add a CRM under <a href="#/connections">Connections</a> and sync it; its contacts appear here.
        </EmptyState>
      )}
      {status.data && status.data.contacts > 0 && (
        <p>{status.data.contacts.toLocaleString()} contacts cached.</p>
      )}
    </section>
  );
}
