import { useEffect } from 'react';
import { useLeaveRequest } from '../lib/router';

/** "a", "a and b", "a, b and c". */
function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Asks before unsaved edits are dropped by leaving the screen (a link, Alt+number, Back): Discard goes where the
 * person asked, Keep editing (or Esc) stays with the edits as they are.
 */
export function UnsavedChangesDialog() {
  const request = useLeaveRequest();
  useEffect(() => {
    if (!request) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        request.keepEditing();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [request]);
  if (!request) return null;
  return (
    <div className="overlay">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="unsaved-title"
        aria-describedby="unsaved-text"
      >
        <h2 id="unsaved-title">Discard unsaved changes?</h2>
        <p id="unsaved-text">
          Your changes to {listInWords(request.unsaved)} are not saved. Leaving now drops them.
        </p>
        <div className="actions">
          <button type="button" className="danger" onClick={request.discard}>
            Discard
          </button>
          <button type="button" className="primary" autoFocus onClick={request.keepEditing}>
            Keep editing
          </button>
        </div>
      </div>
    </div>
  );
}
