import { useId, useState, type FormEvent } from 'react';
import { useApi } from '../../lib/api-context';

/** Points one WordPress user at another CRM contact id, on the site itself. */
export function RelinkControl(props: {
  connectionId: string;
  wpId: number;
  login: string;
  current: string | null;
  onDone: () => void;
}) {
  const api = useApi();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(props.current ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const out = await api.call('wordpress/relink', {
        connectionId: props.connectionId,
        wpId: props.wpId,
        contactId: value.trim(),
      });
      if (out.resync && !out.resync.ok) {
        // The link changed; only the tag refresh failed. Say so and leave the form open to retry.
        setError(
          `Linked to ${out.after}, but the tag resync failed: ${out.resync.message ?? 'unknown error'}`,
        );
        props.onDone();
        return;
      }
      setOpen(false);
      props.onDone();
    } catch (err) {
      setError((err as { message: string }).message);
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={`Change the contact of ${props.login}`}>
        Relink…
      </button>
    );
  }
  return (
    <form className="relink" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-cid`} className="sr-only">
        New contact id for {props.login}
      </label>
      <input
        id={`${id}-cid`}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        pattern="[A-Za-z0-9_-]{1,64}"
        required
        autoFocus
        size={10}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
      />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      <button type="button" onClick={() => setOpen(false)} disabled={busy}>
        Cancel
      </button>
      {error && (
        <span role="alert" className="bad">
          {error}
        </span>
      )}
    </form>
  );
}
