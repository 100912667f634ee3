import type { ScreenId } from '../lib/router';

/** Simple line icons for the sidebar (inline SVG: nothing is fetched, the CSP stays strict). */
const PATHS: Record<ScreenId, string> = {
  overview: 'M3 17h14M5 14V9M9 14V5M13 14v-3M17 14V7',
  connections:
    'M8.5 11.5l3-3M7.5 9.5 6 11a2.5 2.5 0 0 0 3.5 3.5l1.5-1.5M12.5 10.5 14 9a2.5 2.5 0 0 0-3.5-3.5L9 7',
  contacts: 'M10 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM4 17c0-3.3 2.7-5 6-5s6 1.7 6 5',
  duplicates: 'M7 4h8v10H7zM4 7v9h8',
  history: 'M10 5v5l3 2M3.5 10a6.5 6.5 0 1 0 2-4.7M3 3v3.5h3.5',
  csv: 'M5 2.5h6.5L15 6v11.5H5zM11.5 2.5V6H15M7.5 10h5M7.5 12.5h5M7.5 15h3',
  settings:
    'M10 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM10 2v2.5M10 15.5V18M2 10h2.5M15.5 10H18M4.3 4.3l1.8 1.8M13.9 13.9l1.8 1.8M4.3 15.7l1.8-1.8M13.9 6.1l1.8-1.8',
};

export function ScreenIcon(props: { screen: ScreenId }) {
  return (
    <svg className="nav-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      <path
        d={PATHS[props.screen]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
