import type { ReactNode } from 'react';

/** A calm "nothing here yet" panel that says what to do next. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <h2>{props.title}</h2>
      {props.children && <div className="empty-body">{props.children}</div>}
      {props.action && <div className="empty-action">{props.action}</div>}
    </div>
  );
}

/**
 * A failed call: the core's sentence and a retry when one makes sense. The code stays out of the text (people read
 * words, not codes) but rides on the element, where support and tests can still find it.
 */
export function ErrorBanner(props: { error: { code: string; message: string }; onRetry?: () => void }) {
  return (
    <div className="error-banner" role="alert" data-error-code={props.error.code}>
      <span className="error-text">{props.error.message}</span>
      {props.onRetry && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * A spinner that fades in only after a short delay (pure CSS), so fast answers never flash a loading state.
 */
export function Loading(props: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </div>
  );
}

export function ProgressBar(props: { done: number; total: number | null; label: string }) {
  const pct = props.total ? Math.min(100, Math.round((props.done / props.total) * 100)) : undefined;
  return (
    <div className="progress">
      <div
        className={pct === undefined ? 'progress-track indeterminate' : 'progress-track'}
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.total ?? undefined}
        aria-valuenow={props.done}
      >
        <div className="progress-fill" style={{ width: pct === undefined ? '30%' : `${pct}%` }} />
      </div>
      <div className="progress-label">{props.label}</div>
    </div>
  );
}
