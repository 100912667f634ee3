import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../lib/api-context';
import { ErrorBanner } from '../../components/states';
import { withArticle } from '../../lib/format';
import type { ConnectionDetail, ConnectionKind, ConnectionTestResult } from '../../../../app/api/contract';

/**
 * Add a CRM account of one kind (or edit one), with what that kind's connector asks for: the key is tested before
 * anything is saved, and once saved it is never shown again — editing asks for a new key or keeps the stored one.
 */
export function CrmConnectionForm(props: {
  readonly kind: ConnectionKind;
  readonly existing?: ConnectionDetail;
  /** A connection signed in through the browser: only its name can change here (its tokens are not a key). */
  readonly renameOnly?: boolean;
  readonly onSaved: (connection: ConnectionDetail, test: ConnectionTestResult | null) => void;
  readonly onCancel?: () => void;
}) {
  const api = useApi();
  const id = useId();
  const { kind } = props;
  const [label, setLabel] = useState(props.existing?.label ?? '');
  const [baseUrl, setBaseUrl] = useState(props.existing?.baseUrl ?? kind.defaultBaseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (props.existing) {
        const res = await api.call('connections/edit', {
          id: props.existing.id,
          ...(label.trim() && label !== props.existing.label ? { label: label.trim() } : {}),
          ...(baseUrl.trim() !== props.existing.baseUrl ? { baseUrl: baseUrl.trim() } : {}),
          ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
        });
        setApiKey('');
        props.onSaved(res.connection, res.test);
      } else {
        const res = await api.call('connections/add', {
          kind: kind.kind,
          apiKey: apiKey.trim(),
          baseUrl: baseUrl.trim(),
          ...(label.trim() ? { label: label.trim() } : {}),
        });
        setApiKey('');
        setLabel('');
        props.onSaved(res.connection, res.test);
      }
    } catch (err) {
      const shape = err as { code?: string; message?: string };
      setError({ code: shape.code ?? 'INTERNAL', message: shape.message ?? String(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="keap-form"
      onSubmit={submit}
      aria-label={props.existing ? `Edit ${props.existing.label}` : `Add ${withArticle(kind.label)} account`}
    >
      {error && <ErrorBanner error={error} />}
      {!props.renameOnly && (
        <div className="field">
          <label htmlFor={`${id}-key`}>
            {props.existing ? 'New API key (leave empty to keep the stored one)' : `${kind.label} API key`}
          </label>
          <input
            id={`${id}-key`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder={kind.help.apiKey}
            required={!props.existing}
          />
          <p className="hint">
            {kind.help.apiKey}. The key is tested, then stored encrypted and never shown again.
          </p>
        </div>
      )}
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
        {!props.renameOnly && (
          <div className="field">
            <label htmlFor={`${id}-url`}>API base URL</label>
            <input
              id={`${id}-url`}
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
              placeholder={kind.defaultBaseUrl ?? kind.help.baseUrl}
              required
            />
            {!kind.defaultBaseUrl && <p className="hint">{kind.help.baseUrl}</p>}
          </div>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Testing…' : props.existing ? 'Save' : 'Test and add'}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
