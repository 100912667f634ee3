import { useEffect, useRef } from 'react';
import { navigate, SCREENS, useRoute, type ScreenId } from './lib/router';
import { useQuery } from './lib/api-context';
import { ConnectionsScreen } from './screens/ConnectionsScreen';
import { ContactsScreen } from './screens/ContactsScreen';
import { DuplicatesScreen } from './screens/DuplicatesScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { SettingsScreen } from './screens/SettingsScreen';

const LABELS: Record<ScreenId, string> = {
  connections: 'Connections',
  contacts: 'Contacts',
  duplicates: 'Duplicates',
  history: 'History',
  settings: 'Settings',
};

export function App() {
  const route = useRoute();
  const info = useQuery('app/info', {});
  const main = useRef<HTMLElement>(null);

  // Alt+1..5 jumps between screens from anywhere, as in most desktop admin tools.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const index = Number.parseInt(e.key, 10) - 1;
      const screen = SCREENS[index];
      if (screen) {
        e.preventDefault();
        navigate(screen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    main.current?.focus();
  }, [route.screen]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Mergedesk</div>
        <ul>
          {SCREENS.map((s, i) => (
            <li key={s}>
              <a
                href={`#/${s}`}
                aria-current={route.screen === s ? 'page' : undefined}
                aria-keyshortcuts={`Alt+${i + 1}`}
              >
                {LABELS[s]}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          {info.data ? `v${info.data.version} · ${info.data.host}` : info.error ? 'Not connected' : ''}
        </div>
      </nav>
      <main className="content" ref={main} tabIndex={-1} aria-label={LABELS[route.screen]}>
        {route.screen === 'connections' && <ConnectionsScreen />}
        {route.screen === 'contacts' && <ContactsScreen param={route.param} />}
        {route.screen === 'duplicates' && <DuplicatesScreen param={route.param} />}
        {route.screen === 'history' && <HistoryScreen param={route.param} />}
        {route.screen === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
