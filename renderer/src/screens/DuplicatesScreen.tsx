import { useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { GroupReview } from '../features/merge-review/GroupReview';
import { navigate } from '../lib/router';

export function DuplicatesScreen(props: { param: string | null }) {
  const status = useQuery('workspace/status', {});
  const groupId = props.param ? Number(props.param) : NaN;
  if (Number.isInteger(groupId) && groupId > 0) {
    return <GroupReview groupId={groupId} onDone={() => navigate('duplicates')} />;
  }
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
