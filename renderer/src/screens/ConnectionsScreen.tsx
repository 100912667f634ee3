import { useState } from 'react';
import { useEvent, useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { WordPressConnections } from '../features/wordpress/WordPressConnections';
import { ConnectionCard } from '../features/keap/ConnectionCard';
import { KeapConnectionForm } from '../features/keap/KeapConnectionForm';
import { useSyncProgress } from '../features/keap/useSyncProgress';

export function ConnectionsScreen() {
  const connections = useQuery('connections/list', {});
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const syncs = useSyncProgress(connections.reload);
  useEvent('workspace/changed', () => connections.reload());
  // WordPress sites have their own section below, with site-specific actions.
  const list = (connections.data ?? []).filter((c) => c.kind !== 'wordpress');

  return (
    <section>
      <div className="screen-head">
        <h1>Connections</h1>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add Keap account
          </button>
        )}
      </div>
      {notice && (
        <p className="ok-note" role="status">
          {notice}
        </p>
      )}
      {adding && (
        <div className="panel">
          <h2>Add a Keap account</h2>
          <KeapConnectionForm
            onCancel={() => setAdding(false)}
            onSaved={(c, test) => {
              setAdding(false);
              setNotice(
                `Added "${c.label}"${test?.account ? ` — ${test.account}` : ''}. Press Sync now to cache its contacts.`,
              );
              connections.reload();
            }}
          />
        </div>
      )}
      {connections.loading && !connections.data && <Loading />}
      {connections.error && <ErrorBanner error={connections.error} onRetry={connections.reload} />}
      {connections.data && connections.data.length === 0 && !adding && (
        <EmptyState
          title="No CRM or WordPress site connected yet"
          action={
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              Add Keap account
            </button>
          }
        >
          Connect your Keap account and your WordPress site so Mergedesk can cache contacts and find
          duplicates.
        </EmptyState>
      )}
      {list.length > 0 && (
        <ul className="connection-list">
          {list.map((c) => (
            <ConnectionCard key={c.id} connection={c} sync={syncs[c.id]} onChanged={connections.reload} />
          ))}
        </ul>
      )}
      <WordPressConnections />
    </section>
  );
}
