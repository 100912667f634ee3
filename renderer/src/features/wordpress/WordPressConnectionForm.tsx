import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../lib/api-context';
import type { WordPressTestResult } from '../../../../app/api/contract';
import { ErrorBanner } from '../../components/states';
import { TestResultView } from './TestResultView';

/** Site address, username and Application Password; Test checks without saving, Save tests again and stores. */
export function WordPressConnectionForm(props: { onSaved: () => void; onCancel: () => void }) {
  const api = useApi();
  const id = useId();
  const [url, setUrl] = useState('');
  const [username, setUsername] = useState('');
  const [appPassword, setAppPassword] = useState('');
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [result, setResult] = useState<WordPressTestResult | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);

  const run = async (kind: 'test' | 'save') => {
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'test') {
        setResult(await api.call('wordpress/test', { url, username, appPassword }));
      } else {
        const saved = await api.call('wordpress/add', { url, username, appPassword });
        setResult(saved.test);
        setAppPassword('');
        props.onSaved();
      }
    } catch (e) {
      setResult(null);
      setError(e as { code: string; message: string });
    } finally {
      setBusy(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('save');
  };

  return (
    <form className="wp-form" onSubmit={submit} aria-label="Connect a WordPress site">
      <div className="field">
        <label htmlFor={`${id}-url`}>Site address</label>
        <input
          id={`${id}-url`}
          type="url"
          required
          placeholder="https://members.example.com"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          autoComplete="url"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-user`}>Username</label>
        <input
          id={`${id}-user`}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoComplete="username"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-pw`}>Application Password</label>
        <input
          id={`${id}-pw`}
          type="password"
          required
          value={appPassword}
          onChange={(e) => setAppPassword(e.target.value)}
          autoComplete="off"
          aria-describedby={`${id}-pw-help`}
        />
        <small id={`${id}-pw-help`} className="muted">
          Create one in WordPress under Users → Profile → Application Passwords. It is stored encrypted on
          this computer only.
        </small>
      </div>
      <div className="actions">
        <button
          type="button"
          onClick={() => void run('test')}
          disabled={busy !== null || !url || !username || !appPassword}
        >
          {busy === 'test' ? 'Testing…' : 'Test'}
        </button>
        <button type="submit" className="primary" disabled={busy !== null}>
          {busy === 'save' ? 'Saving…' : 'Save connection'}
        </button>
        <button type="button" onClick={props.onCancel} disabled={busy !== null}>
          Cancel
        </button>
      </div>
      {error && <ErrorBanner error={error} />}
      {result && <TestResultView result={result} />}
    </form>
  );
}
