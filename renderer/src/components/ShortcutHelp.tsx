import { useEffect, useRef } from 'react';
import { SHORTCUTS, useActiveShortcuts, type Shortcut } from '../lib/shortcuts';

/** The `?` overlay: a modal dialog listing every shortcut; Esc or the button closes it and focus goes back. */
export function ShortcutHelp(props: { onClose: () => void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  const { onClose } = props;
  const screen = useActiveShortcuts();

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      } else if (e.key === 'Tab') {
        // One focusable control: keep focus inside the dialog while it is open.
        e.preventDefault();
        closeButton.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus();
    };
  }, [onClose]);

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
        <div className="dialog-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" ref={closeButton} onClick={onClose}>
            Close
          </button>
        </div>
        {screen.map((section) => (
          <ShortcutTable key={section.title} title={section.title} shortcuts={section.shortcuts} />
        ))}
        <ShortcutTable title="Everywhere" shortcuts={SHORTCUTS} />
      </div>
    </div>
  );
}

function ShortcutTable(props: { title: string; shortcuts: readonly Shortcut[] }) {
  return (
    <table className="shortcut-table" aria-label={props.title}>
      <caption>{props.title}</caption>
      <tbody>
        {props.shortcuts.map((s) => (
          <tr key={s.description}>
            <td>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' + '}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </td>
            <td>{s.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
