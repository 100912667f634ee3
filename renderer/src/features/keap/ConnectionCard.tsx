import { useState } from 'react';
import { formatDateTime, plural } from '../../lib/format';
import { useApi, useEvent, useQuery } from '../../lib/api-context';
import { ErrorBanner, ProgressBar } from '../../components/states';
import type { ConnectionDetail, ConnectionKind, ConnectionTestResult } from '../../../../app/api/contract';
import { CrmConnectionForm } from '../connections/CrmConnectionForm';
import { describeProgress, type SyncView } from './useSyncProgress';
import { describeQuota, describeTestDetails } from './connection-words';

/** An id for work the user may cancel before its answer arrives (a connection test). */
function newJobId(): string {
  return `test-${crypto.randomUUID()}`;
}

export function ConnectionCard(props: {
  readonly connection: ConnectionDetail;
  /** What its connector asks for and can do; null when this build has no connector for the kind. */
  readonly kind: ConnectionKind | null;
  readonly sync: SyncView | undefined;
  readonly onChanged: () => void;
}) {
  const api = useApi();
  const c = props.connection;
  const [editing, setEditing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);
  const [testJob, setTestJob] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const running = props.sync?.running ?? false;
  const isCrm = c.role === 'crm';
  const oauth = c.signIn === 'oauth2';
  // The budget is the client's; what is left today comes with the CRM's answers, so it is read again after each.
  const quota = useQuery('connections/quota', { id: c.id });
  useEvent('sync/finished', (e) => {
    if (e.connectionId === c.id) quota.reload();
  });

  async function run(what: string, fn: () => Promise<unknown>) {
    setError(null);
    setNote(null);
    // A new sync or test makes the previous test's message stale; the card's "Last test" line stays current.
    if (what === 'sync') setTest(null);
    try {
      await fn();
    } catch (err) {
      const shape = err as { code?: string; message?: string };
      setError({ code: shape.code ?? 'INTERNAL', message: shape.message ?? String(err) });
    }
  }

  const finished = props.sync?.lastResult;
  return (
    <li className="connection-card" aria-label={c.label}>
      <div className="connection-head">
        <div>
          <h2>
            {c.label} {c.isSandbox && <span className="badge">sandbox</span>}
          </h2>
          <div className="muted">
            {props.kind?.label ?? c.kind} · {c.baseUrl}
          </div>
        </div>
        <div className="actions">
          {isCrm && !running && (
            <>
              <button
                type="button"
                className="primary"
                onClick={() =>
                  run('sync', () => api.call('sync/start', { connectionId: c.id, mode: 'auto' }))
                }
              >
                Sync now
              </button>
              <button
                type="button"
                onClick={() =>
                  run('sync', () => api.call('sync/start', { connectionId: c.id, mode: 'full' }))
                }
              >
                Full sync
              </button>
            </>
          )}
          {running && (
            <button
              type="button"
              onClick={() => run('cancel', () => api.call('sync/cancel', { connectionId: c.id }))}
            >
              Cancel sync
            </button>
          )}
          {testJob ? (
            <button type="button" onClick={() => void api.call('jobs/cancel', { jobId: testJob })}>
              Cancel test
            </button>
          ) : (
            <button
              type="button"
              onClick={() =>
                run('test', async () => {
                  const jobId = newJobId();
                  setTest(null);
                  setTestJob(jobId);
                  try {
                    const result = await api.call('connections/test', { id: c.id, jobId });
                    setTest(result.error?.code === 'CANCELLED' ? null : result);
                    quota.reload();
                    if (result.error?.code === 'CANCELLED') setNote('Test cancelled.');
                  } finally {
                    setTestJob(null);
                    props.onChanged();
                  }
                })
              }
            >
              Test
            </button>
          )}
          <button type="button" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
            Edit
          </button>
          <button type="button" className="danger" onClick={() => setConfirmRemove(true)}>
            Remove
          </button>
        </div>
      </div>
      <dl className="facts compact">
        <dt>Account</dt>
        <dd>{c.account ?? '—'}</dd>
        {oauth ? (
          <>
            <dt>Signed in</dt>
            <dd>
              {c.hasSecret ? (
                `through your ${props.kind?.label ?? ''} app (OAuth2); the tokens renew themselves`
              ) : (
                <span className="warning">
                  the stored sign-in cannot be read — remove it and sign in again
                </span>
              )}
            </dd>
          </>
        ) : (
          <>
            <dt>API key</dt>
            <dd>
              {c.hasSecret ? (
                `stored (ends ${c.secretHint ?? '…'})`
              ) : (
                <>
                  <span className="warning">cannot be read — enter it again</span>{' '}
                  <button type="button" onClick={() => setEditing(true)} aria-expanded={editing}>
                    Enter the key again
                  </button>
                </>
              )}
            </dd>
          </>
        )}
        {quota.data?.quota && (
          <>
            <dt>Request budget</dt>
            <dd>{describeQuota(quota.data.quota)}</dd>
          </>
        )}
        <dt>Last test</dt>
        <dd>
          {c.lastTestOk === null
            ? 'never'
            : c.lastTestOk
              ? `passed ${c.lastTestedAt ? formatDateTime(c.lastTestedAt) : ''}`
              : 'failed'}
        </dd>
        <dt>Cached contacts</dt>
        <dd>{c.contactCount.toLocaleString()}</dd>
        <dt>Last sync</dt>
        <dd>{formatDateTime(c.lastSyncAt, 'never')}</dd>
      </dl>
      {running && (
        <ProgressBar
          label={describeProgress(props.sync?.progress ?? null)}
          done={props.sync?.progress?.done ?? 0}
          total={props.sync?.progress?.total ?? null}
        />
      )}
      {!running && finished && finished.status !== 'completed' && finished.error && (
        <ErrorBanner
          error={{ code: finished.error.code, message: `Sync ${finished.status}: ${finished.error.message}` }}
        />
      )}
      {!running && finished?.error?.code === 'GUARD_REFUSED' && (
        <div className="actions">
          <button
            type="button"
            className="danger"
            onClick={() =>
              run('sync', () =>
                api.call('sync/start', { connectionId: c.id, mode: 'full', confirmRemovals: true }),
              )
            }
          >
            Remove them and sync
          </button>
        </div>
      )}
      {!running && finished?.status === 'completed' && (
        <p className="ok-note" role="status">
          Sync finished.
        </p>
      )}
      {note && (
        <p className="muted" role="status">
          {note}
        </p>
      )}
      {test && (
        <div role="status" className={test.ok ? 'ok-note' : 'warning'}>
          {test.ok ? `Connection works: ${test.account ?? ''}` : `Test failed: ${test.error?.message ?? ''}`}
          {test.ok && Object.keys(test.details).length > 0 && (
            <span className="muted"> ({describeTestDetails(test.details)})</span>
          )}
        </div>
      )}
      {error && <ErrorBanner error={error} />}
      {editing && props.kind && (
        <CrmConnectionForm
          kind={props.kind}
          existing={c}
          renameOnly={oauth}
          onCancel={() => setEditing(false)}
          onSaved={(_conn, t) => {
            setEditing(false);
            setTest(t);
            props.onChanged();
          }}
        />
      )}
      {confirmRemove && (
        <div className="confirm" role="alertdialog" aria-label={`Remove ${c.label}?`}>
          <p>
            Remove <strong>{c.label}</strong>? Its stored {oauth ? 'sign-in' : 'key'} and the{' '}
            {plural(c.contactCount, 'cached contact')} go with it. Nothing changes in the CRM itself.
          </p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              autoFocus
              onClick={() =>
                run('remove', async () => {
                  await api.call('connections/remove', { id: c.id });
                  props.onChanged();
                })
              }
            >
              Remove connection
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)}>
              Keep it
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
