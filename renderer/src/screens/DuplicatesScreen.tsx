import { useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';

export function DuplicatesScreen(_props: { param: string | null }) {
  const status = useQuery('workspace/status', {});
  return (
    <section>
      <h1>Duplicates</h1>
      {status.loading && !status.data && <Loading />}
      {status.error && <ErrorBanner error={status.error} onRetry={status.reload} />}
      {status.data && status.data.groups === 0 && (
        <EmptyState title="No duplicate groups to review">
          {status.data.contacts === 0
            ? 'Sync a CRM first: duplicates are found in the local cache, offline.'
            : 'No likely duplicates were found in the cached contacts.'}
        </EmptyState>
      )}
    </section>
  );
}
