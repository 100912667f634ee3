import { useState } from 'react';
import { useApi, useEvent, useQuery } from '../lib/api-context';
import { withArticle } from '../lib/format';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { WordPressConnections } from '../features/wordpress/WordPressConnections';
import { ConnectionCard } from '../features/keap/ConnectionCard';
import { CrmConnectionForm } from '../features/connections/CrmConnectionForm';
import { OAuthConnectForm } from '../features/connections/OAuthConnectForm';
import { useSyncProgress } from '../features/keap/useSyncProgress';
import type { ConnectionDetail, ConnectionKind } from '../../../app/api/contract';

/** What the person is adding: an account with a key, or one signed in through the browser. */
interface Adding {
  readonly kind: ConnectionKind;
  readonly with: 'api-key' | 'oauth2';
}

export function ConnectionsScreen() {
  const api = useApi();
  const connections = useQuery('connections/list', {});
  // The CRMs this build can connect come from the core, so a new connector needs no change here.
  const kinds = useQuery('connections/kinds', {});
  const [adding, setAdding] = useState<Adding | null>(null);
  const [startingSandbox, setStartingSandbox] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const syncs = useSyncProgress(connections.reload);
  useEvent('workspace/changed', () => connections.reload());
  // WordPress sites have their own section below, with site-specific actions.
  const list = (connections.data ?? []).filter((c) => c.role === 'crm');
  const kindOf = (kind: string) => kinds.data?.find((k) => k.kind === kind) ?? null;

  async function addSandbox(kind: ConnectionKind) {
    setStartingSandbox(kind.kind);
    setNotice(null);
    setError(null);
    try {
      const { connection } = await api.call('connections/add-sandbox', { kind: kind.kind });
      setNotice(
        `Added "${connection.label}" with its linked WordPress site. Its first sync is running; duplicates appear once it is done.`,
      );
      connections.reload();
    } catch (err) {
      const shape = err as { code?: string; message?: string };
      setError({ code: shape.code ?? 'INTERNAL', message: shape.message ?? String(err) });
    } finally {
      setStartingSandbox(null);
    }
  }

  const addButtons = (kinds.data ?? []).map((k) => (
    <span key={k.kind} className="actions">
      <button type="button" className="primary" onClick={() => setAdding({ kind: k, with: 'api-key' })}>
        Add {k.label} account
      </button>
      {k.oauth2 && (
        <button type="button" onClick={() => setAdding({ kind: k, with: 'oauth2' })}>
          Sign in to {k.label} with your app
        </button>
      )}
      {k.sandbox && (
        <button type="button" disabled={startingSandbox !== null} onClick={() => void addSandbox(k)}>
          {startingSandbox === k.kind ? `Starting the ${k.label} sandbox…` : `Add ${k.label} sandbox`}
        </button>
      )}
    </span>
  ));

  const added = (c: ConnectionDetail, account: string | null | undefined) => {
    setAdding(null);
    setNotice(`Added "${c.label}"${account ? ` — ${account}` : ''}. Press Sync now to cache its contacts.`);
    connections.reload();
  };

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
      {error && <ErrorBanner error={error} />}
      {adding && (
        <div className="panel">
          {adding.with === 'oauth2' ? (
            <>
              <h2>Sign in to {adding.kind.label} with your developer app</h2>
              <OAuthConnectForm
                key={adding.kind.kind}
                kind={adding.kind}
                onCancel={() => setAdding(null)}
                onSaved={(c) => added(c, c.account)}
              />
            </>
          ) : (
            <>
              <h2>Add {withArticle(adding.kind.label)} account</h2>
              <CrmConnectionForm
                key={adding.kind.kind}
                kind={adding.kind}
                onCancel={() => setAdding(null)}
                onSaved={(c, test) => added(c, test?.account)}
              />
            </>
          )}
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
