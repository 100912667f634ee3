import { useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { useApi, useEvent, useQuery } from '../../lib/api-context';
import type { ConnectionSummary, WordPressTestResult } from '../../../../app/api/contract';
import { EmptyState, ErrorBanner, Loading, ProgressBar } from '../../components/states';
import { WordPressConnectionForm } from './WordPressConnectionForm';
import { TestResultView } from './TestResultView';
import { MembersList } from './MembersList';
import './wordpress.css';

type Problem = { code: string; message: string };

function SiteCard(props: { connection: ConnectionSummary; onChanged: () => void }) {
  const api = useApi();
  const c = props.connection;
  const [busy, setBusy] = useState<'test' | 'sync' | 'remove' | null>(null);
  const [test, setTest] = useState<WordPressTestResult | null>(null);
  const [error, setError] = useState<Problem | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number | null; resource: string } | null>(
    null,
  );
  const [showMembers, setShowMembers] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [membersKey, setMembersKey] = useState(0);

  useEvent('sync/progress', (p) => {
    if (p.connectionId === c.id) setProgress({ done: p.done, total: p.total, resource: p.resource });
  });

  const act = async (kind: 'test' | 'sync' | 'remove') => {
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'test') setTest(await api.call('wordpress/test', { connectionId: c.id }));
      if (kind === 'sync') {
        await api.call('wordpress/sync', { connectionId: c.id });
        setMembersKey((k) => k + 1);
        setShowMembers(true);
      }
      if (kind === 'remove') await api.call('wordpress/remove', { connectionId: c.id });
      props.onChanged();
    } catch (e) {
      setError(e as Problem);
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };

  return (
    <li className="wp-site" aria-label={`WordPress site ${c.label}`}>
      <div className="wp-site-head">
        <div>
          <strong>{c.label}</strong> <span className="muted">{c.baseUrl}</span>
          <div className="muted">
            Last sync: {formatDateTime(c.lastSyncAt, 'never')}
            {c.lastTestOk === false && <span className="bad"> · last test failed</span>}
          </div>
        </div>
        <div className="actions">
          <button type="button" onClick={() => void act('test')} disabled={busy !== null}>
            {busy === 'test' ? 'Testing…' : 'Test'}
          </button>
          <button type="button" className="primary" onClick={() => void act('sync')} disabled={busy !== null}>
            {busy === 'sync' ? 'Syncing…' : 'Sync members'}
          </button>
          <button type="button" onClick={() => setShowMembers((s) => !s)} aria-expanded={showMembers}>
            {showMembers ? 'Hide members' : 'Members'}
          </button>
          {!confirmRemove ? (
            <button type="button" onClick={() => setConfirmRemove(true)} disabled={busy !== null}>
              Remove…
            </button>
          ) : (
            <span role="group" aria-label="Confirm removal">
              <button
                type="button"
                className="danger"
                onClick={() => void act('remove')}
                disabled={busy !== null}
              >
                Remove {c.label} and its cached members
              </button>{' '}
              <button type="button" onClick={() => setConfirmRemove(false)}>
                Keep
              </button>
            </span>
          )}
        </div>
      </div>
      {busy === 'sync' && (
        <ProgressBar
          done={progress?.done ?? 0}
          total={progress?.total ?? null}
          label={
            progress
              ? `${progress.resource === 'wp_orders' ? 'Orders' : 'Members'}: ${progress.done}${progress.total !== null ? ` of ${progress.total}` : ''}`
              : 'Starting…'
          }
        />
      )}
      {error && <ErrorBanner error={error} />}
      {test && <TestResultView result={test} />}
      {showMembers && <MembersList key={membersKey} connectionId={c.id} />}
    </li>
  );
}

/** The WordPress part of the Connections screen: connected sites, adding one, members. */
export function WordPressConnections() {
  const status = useQuery('workspace/status', {});
  const [adding, setAdding] = useState(false);
  useEvent('workspace/changed', () => status.reload());
  const sites = status.data?.connections.filter((c) => c.role === 'site') ?? [];

  return (
    <section className="wp-section" aria-labelledby="wp-section-title">
      <div className="wp-section-head">
        <h2 id="wp-section-title">WordPress sites</h2>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add WordPress site
          </button>
        )}
      </div>
      {status.loading && !status.data && <Loading />}
      {/* A failing workspace/status is already reported by the Connections screen itself. */}
      {adding && (
        <WordPressConnectionForm
          onSaved={() => {
            setAdding(false);
            status.reload();
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      {status.data && sites.length === 0 && !adding && (
        <EmptyState title="No WordPress site connected">
          Connect your membership site to see which CRM contact each member is linked to, and fix links that
          point at merged or deleted contacts. The site needs the Mergedesk Bridge plugin; testing the
          connection shows how to install it.
        </EmptyState>
      )}
      {sites.length > 0 && (
        <ul className="wp-sites">
          {sites.map((c) => (
            <SiteCard key={c.id} connection={c} onChanged={status.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}
