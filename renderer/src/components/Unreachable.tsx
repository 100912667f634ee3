/** Shown instead of the shell when the core cannot be reached at all: says why and what to do, nothing flashes. */
export function Unreachable(props: { error: { code: string; message: string }; onRetry: () => void }) {
  const needsLink = props.error.code === 'UNAUTHORIZED';
  return (
    <div className="unreachable">
      <div className="panel unreachable-panel" role="alert">
        <div className="brand-mark large" aria-hidden="true" />
        <h1>{needsLink ? 'This page needs its session link' : 'Mergedesk cannot reach its core'}</h1>
        <p>{props.error.message}</p>
        {!needsLink && (
          <p className="muted">
            If you started Mergedesk from a terminal, check that it is still running, then try again.
          </p>
        )}
        {/* Retrying cannot help a page opened without its link; everything else may come back. */}
        {!needsLink && (
          <button type="button" className="primary" onClick={props.onRetry}>
            Try again
          </button>
        )}
      </div>
    </div>
  );
}
