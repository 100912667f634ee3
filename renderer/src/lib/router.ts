import { useEffect, useState } from 'react';

export const SCREENS = [
  'overview',
  'connections',
  'contacts',
  'duplicates',
  'history',
  'settings',
  'csv',
] as const;
export type ScreenId = (typeof SCREENS)[number];

export const SCREEN_LABELS: Readonly<Record<ScreenId, string>> = {
  overview: 'Overview',
  connections: 'Connections',
  contacts: 'Contacts',
  duplicates: 'Duplicates',
  history: 'History',
  settings: 'Settings',
  csv: 'CSV analysis',
};

export interface Route {
  readonly screen: ScreenId;
  /** Whatever follows the screen in the hash, e.g. a group or contact id. */
  readonly param: string | null;
}

function parse(hash: string): Route {
  const [screen, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const found = SCREENS.find((s) => s === screen);
  return {
    screen: found ?? 'overview',
    param: found && rest.length ? decodeURIComponent(rest.join('/')) : null,
  };
}

/** Hash routing: works the same under app:// in Electron and http://127.0.0.1 in the web host. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(screen: ScreenId, param?: string): void {
  window.location.hash = `#/${screen}${param ? `/${encodeURIComponent(param)}` : ''}`;
}
