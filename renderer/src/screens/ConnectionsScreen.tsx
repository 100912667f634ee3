import { useState } from 'react';
import { useEvent, useQuery } from '../lib/api-context';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { WordPressConnections } from '../features/wordpress/WordPressConnections';
import { ConnectionCard } from '../features/keap/ConnectionCard';
import { CrmConnectionForm } from '../features/connections/CrmConnectionForm';
import { useSyncProgress } from '../features/keap/useSyncProgress';
import type { ConnectionKind } from '../../../app/api/contract';

export function ConnectionsScreen() {
  const connections = useQuery('connections/list', {});
  // The CRMs this build can connect come from the core, so a new connector needs no change here.
  const kinds = useQuery('connections/kinds', {});
  const [adding, setAdding] = useState<ConnectionKind | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const syncs = useSyncProgress(connections.reload);
  useEvent('workspace/changed', () => connections.reload());
  // WordPress sites have their own section below, with site-specific actions.
  const list = (connections.data ?? []).filter((c) => c.role === 'crm');
  const kindOf = (kind: string) => kinds.data?.find((k) => k.kind === kind) ?? null;

  const addButtons = (kinds.data ?? []).map((k) => (
    <button key={k.kind} type="button" className="primary" onClick={() => setAdding(k)}>
      Add {k.label} account
    </button>
  ));

  return (
    <section>
      <div className="screen-head">
        <h1>Connections</h1>
        {!adding && <div className="actions">{addButtons}</div>}
      </div>
      {notice && (
        <p className="ok-note" role="status">
          {notice}
        </p>
      )}
      {kinds.error && <ErrorBanner error={kinds.error} onRetry={kinds.reload} />}
      {adding && (
        <div className="panel">
          <h2>Add a {adding.label} account</h2>
          <CrmConnectionForm
            key={adding.kind}
            kind={adding}
            onCancel={() => setAdding(null)}
            onSaved={(c, test) => {
              setAdding(null);
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
          action={<div className="actions">{addButtons}</div>}
        >
          Connect your CRM account and your WordPress site so Mergedesk can cache contacts and find
          duplicates.
        </EmptyState>
      )}
      {list.length > 0 && (
        <ul className="connection-list">
          {list.map((c) => (
            <ConnectionCard
              key={c.id}
              connection={c}
              kind={kindOf(c.kind)}
              sync={syncs[c.id]}
              onChanged={connections.reload}
            />
          ))}
        </ul>
      )}
      <WordPressConnections />
    </section>
  );
}
