import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Notice } from '../lib/notices';

interface ToastApi {
  notify(notice: Notice): void;
  dismiss(id: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** Successes and infos fade after a while; failures stay until dismissed, because someone must act on them. */
const AUTO_DISMISS_MS = 8_000;

export function useToasts(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToasts outside ToastProvider');
  return api;
}

export function ToastProvider(props: { children: ReactNode }) {
  const [notices, setNotices] = useState<readonly Notice[]>([]);
  const dismiss = useCallback((id: string) => setNotices((all) => all.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    // A repeated id replaces the older notice (the same job finishing twice is one piece of news).
    (notice: Notice) => setNotices((all) => [...all.filter((n) => n.id !== notice.id), notice].slice(-5)),
    [],
  );
  const api = useMemo(() => ({ notify, dismiss }), [notify, dismiss]);
  return (
    <ToastContext.Provider value={api}>
      {props.children}
      <div className="toasts" aria-label="Notifications" role="region">
        {/* Polite for good news; each failure is its own alert. */}
        <div aria-live="polite" className="toast-stack">
          {notices.map((n) => (
            <Toast key={n.id} notice={n} onDismiss={dismiss} />
          ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function Toast(props: { notice: Notice; onDismiss: (id: string) => void }) {
  const { notice, onDismiss } = props;
  useEffect(() => {
    if (notice.tone === 'error') return;
    const timer = setTimeout(() => onDismiss(notice.id), AUTO_DISMISS_MS);
    return () => clearTimeout(timer);
  }, [notice, onDismiss]);
  return (
    <div className={`toast toast-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
      <div className="toast-text">
        <strong>{notice.title}</strong>
        {notice.body && <span>{notice.body}</span>}
        {notice.undo && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              onDismiss(notice.id);
              notice.undo!.run();
            }}
          >
            {notice.undo.label}
          </button>
        )}
        {notice.action && (
          <a href={notice.action.href} onClick={() => onDismiss(notice.id)}>
            {notice.action.label}
          </a>
        )}
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={`Dismiss: ${notice.title}`}
        onClick={() => onDismiss(notice.id)}
      >
        ×
      </button>
    </div>
  );
}
