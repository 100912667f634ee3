import type { ReactNode } from 'react';
import './pager.css';

/** Previous and next buttons around where the list stands, for a list read a page at a time. */
export function Pager(props: {
  /** What the pages are of, for assistive technology ("History pages"). */
  readonly label: string;
  readonly previous: string;
  readonly next: string;
  readonly canPrevious: boolean;
  readonly canNext: boolean;
  readonly onPrevious: () => void;
  readonly onNext: () => void;
  /** Where the list stands ("Page 2 of 9", "Groups 101–200 of 5,000"). */
  readonly children: ReactNode;
}) {
  return (
    <nav className="pager" aria-label={props.label}>
      <button type="button" disabled={!props.canPrevious} onClick={props.onPrevious}>
        {props.previous}
      </button>
      <span aria-live="polite">{props.children}</span>
      <button type="button" disabled={!props.canNext} onClick={props.onNext}>
        {props.next}
      </button>
    </nav>
  );
}
