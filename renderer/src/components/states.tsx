import type { ReactNode } from 'react';

export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <h2>{props.title}</h2>
      {props.children && <div className="empty-body">{props.children}</div>}
      {props.action && <div className="empty-action">{props.action}</div>}
    </div>
  );
}

export function ErrorBanner(props: { error: { code: string; message: string }; onRetry?: () => void }) {
  return (
    <div className="error-banner" role="alert">
      <span>{props.error.message}</span>
      {props.onRetry && (
        <button type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

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
        className="progress-track"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.total ?? undefined}
        aria-valuenow={props.done}
      >
        <div className="progress-fill" style={{ width: pct === undefined ? '100%' : `${pct}%` }} />
      </div>
      <div className="progress-label">{props.label}</div>
    </div>
  );
}
