import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../../lib/api-context';
import { ProgressBar } from '../../components/states';
import type { ConnectionDetail, ConnectionKind } from '../../../../app/api/contract';

/** The core's errors are already in words (denied consent, a refused secret, no answer in time). */
function describeOAuthError(err: unknown, kindLabel: string): string {
  const shape = err as { message?: string };
  return shape.message ?? `${kindLabel} could not be connected. Try again.`;
}

interface Waiting {
  readonly flowId: string;
  readonly authorizeUrl: string;
}

/**
 * Connect an account through OAuth2 with the person's own developer app. The core listens for the redirect on
 * 127.0.0.1 and exchanges the code itself; this form only opens the consent page, which carries no secret (the
 * desktop app hands new windows to the system browser). The client secret goes to the core once and is cleared
 * from the form at once, so it is never shown again.
 */
export function OAuthConnectForm(props: {
  readonly kind: ConnectionKind;
  readonly onSaved: (connection: ConnectionDetail) => void;
  readonly onCancel: () => void;
}) {
  const api = useApi();
  const id = useId();
  const { kind } = props;
  const [label, setLabel] = useState('');
  const [baseUrl, setBaseUrl] = useState(kind.defaultBaseUrl ?? '');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  // A flow still waiting when the form goes away (another screen, Cancel) is stopped, so its port closes.
  const pending = useRef<string | null>(null);
  useEffect(
    () => () => {
      if (pending.current) void api.call('connections/oauth-cancel', { flowId: pending.current });
    },
    [api],
  );

  async function start(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNote(null);
    let flow: Waiting;
    try {
      flow = await api.call('connections/oauth-start', {
        kind: kind.kind,
        clientId: clientId.trim(),
        clientSecret: clientSecret.trim(),
        ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
        ...(label.trim() ? { label: label.trim() } : {}),
      });
    } catch (err) {
      setError(describeOAuthError(err, kind.label));
      setBusy(false);
      return;
    } finally {
      setClientSecret('');
    }
    pending.current = flow.flowId;
    setWaiting(flow);
    window.open(flow.authorizeUrl, '_blank', 'noopener,noreferrer');
    try {
      const { connection } = await api.call('connections/oauth-complete', { flowId: flow.flowId });
      pending.current = null;
      props.onSaved(connection);
    } catch (err) {
      pending.current = null;
      const shape = err as { code?: string };
      if (shape.code === 'CANCELLED') setNote('Sign-in cancelled. Nothing was connected.');
      else setError(describeOAuthError(err, kind.label));
      setWaiting(null);
    } finally {
      setBusy(false);
    }
  }

  if (waiting) {
    return (
      <div className="oauth-waiting" aria-label={`Signing in to ${kind.label}`} role="group">
        <ProgressBar
          done={0}
          total={null}
          label={`Waiting for you to allow access on ${kind.label}'s page in your browser…`}
        />
        <p className="hint">
          The page opened in a new tab or window. If it did not,{' '}
          <a href={waiting.authorizeUrl} target="_blank" rel="noopener noreferrer">
            open {kind.label}&apos;s consent page
          </a>
          .
        </p>
        <div className="actions">
          <button
            type="button"
            onClick={() => void api.call('connections/oauth-cancel', { flowId: waiting.flowId })}
          >
            Cancel sign-in
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="keap-form" onSubmit={start} aria-label={`Sign in to ${kind.label} with your app`}>
      {error && (
        <p className="error-banner" role="alert">
          <span className="error-text">{error}</span>
        </p>
      )}
      {note && (
        <p className="muted" role="status">
          {note}
        </p>
      )}
      <p className="hint">
        Uses your own {kind.label} developer app, whose request budget is larger than an API key&apos;s. Your
        browser asks you to allow access, then sends the answer back to this computer (127.0.0.1). The app
        secret and the tokens stay encrypted in this computer&apos;s secret store.
      </p>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-client`}>Client ID</label>
          <input
            id={`${id}-client`}
            autoComplete="off"
            spellCheck={false}
            value={clientId}
            onChange={(e) => setClientId(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-secret`}>Client secret</label>
          <input
            id={`${id}-secret`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={clientSecret}
            onChange={(e) => setClientSecret(e.target.value)}
            required
          />
        </div>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-label`}>Name</label>
          <input
            id={`${id}-label`}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            placeholder={`e.g. Main ${kind.label} account`}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-url`}>API base URL</label>
          <input
            id={`${id}-url`}
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            placeholder={kind.defaultBaseUrl ?? kind.help.baseUrl}
            required={!kind.defaultBaseUrl}
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Continue in the browser
        </button>
        <button type="button" onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
