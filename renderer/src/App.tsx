import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import { navigate, SCREEN_LABELS, SCREENS, useRoute } from './lib/router';
import { useQuery } from './lib/api-context';
import { isTypingTarget } from './lib/shortcuts';
import { ConnectionsScreen } from './screens/ConnectionsScreen';
import { OverviewScreen } from './screens/OverviewScreen';
import { ContactsScreen } from './screens/ContactsScreen';
import { DuplicatesScreen } from './screens/DuplicatesScreen';
import { HistoryScreen } from './screens/HistoryScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { CsvScreen } from './screens/CsvScreen';
import { ToastProvider } from './components/Toasts';
import { JobNotifications } from './components/JobNotifications';
import { StatusBar } from './components/StatusBar';
import { ShortcutHelp } from './components/ShortcutHelp';
import { Unreachable } from './components/Unreachable';
import { Loading } from './components/states';
import { ScreenIcon } from './components/icons';
import type { AppInfo } from '../../app/api/contract';

const HOST_LABEL: Record<AppInfo['host'], string> = {
  electron: 'Desktop',
  web: 'Browser',
  cli: 'Command line',
};

/**
 * The app's first question to the core decides what shows: nothing for a moment (no flash), then the shell, or a
 * clear page saying the core cannot be reached.
 */
export function App() {
  const info = useQuery('app/info', {});
  if (info.data) {
    return (
      <ToastProvider>
        <Shell info={info.data} />
      </ToastProvider>
    );
  }
  if (info.error) return <Unreachable error={info.error} onRetry={info.reload} />;
  return (
    <div className="splash">
      <Loading label="Opening workspace…" />
    </div>
  );
}

function Shell(props: { info: AppInfo }) {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const closeHelp = useCallback(() => setHelpOpen(false), []);
  const firstRender = useRef(true);

  // Alt+1…7 jump between screens and `?` shows the shortcuts, from anywhere but a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const screen = SCREENS[Number.parseInt(e.key, 10) - 1];
        if (screen) {
          e.preventDefault();
          navigate(screen);
        }
        return;
      }
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target)) {
        e.preventDefault();
        setHelpOpen((open) => !open);
      }
    };
    // The desktop app's Help menu asks for the same overlay.
    const onMenu = () => setHelpOpen(true);
    window.addEventListener('keydown', onKey);
    window.addEventListener('mergedesk:shortcuts', onMenu);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mergedesk:shortcuts', onMenu);
    };
  }, []);

  // After a navigation, move focus to the new screen's heading so screen readers announce it and Tab starts there.
  useEffect(() => {
    document.title = `${SCREEN_LABELS[route.screen]} · Mergedesk`;
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('h1');
    const target = heading ?? main.current;
    if (!target) return;
    if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: false });
  }, [route.screen]);

  const skipToContent = (e: MouseEvent) => {
    e.preventDefault();
    const heading = main.current?.querySelector<HTMLElement>('h1');
    if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    (heading ?? main.current)?.focus();
  };

  return (
    <div className="app">
      <a className="skip-link" href={`#/${route.screen}`} onClick={skipToContent}>
        Skip to content
      </a>
      <JobNotifications />
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Mergedesk</span>
        </div>
        <ul className="nav-list">
          {SCREENS.map((s, i) => (
            <li key={s}>
              <a
                href={`#/${s}`}
                aria-current={route.screen === s ? 'page' : undefined}
                aria-keyshortcuts={`Alt+${i + 1}`}
              >
                <ScreenIcon screen={s} />
                <span className="nav-label">{SCREEN_LABELS[s]}</span>
                <kbd className="nav-key" aria-hidden="true">
                  Alt {i + 1}
                </kbd>
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <button
            type="button"
            className="link-button"
            onClick={() => setHelpOpen(true)}
            aria-keyshortcuts="?"
          >
            Keyboard shortcuts <kbd>?</kbd>
          </button>
          <div className="muted">
            v{props.info.version} · {HOST_LABEL[props.info.host]}
          </div>
        </div>
      </nav>
      <main className="content" id="main" ref={main} tabIndex={-1} aria-label={SCREEN_LABELS[route.screen]}>
        <div className="content-inner">
          {route.screen === 'overview' && <OverviewScreen />}
          {route.screen === 'connections' && <ConnectionsScreen />}
          {route.screen === 'contacts' && <ContactsScreen param={route.param} />}
          {route.screen === 'duplicates' && <DuplicatesScreen param={route.param} />}
          {route.screen === 'history' && <HistoryScreen param={route.param} />}
          {route.screen === 'settings' && <SettingsScreen />}
          {route.screen === 'csv' && <CsvScreen />}
        </div>
      </main>
      <StatusBar />
      {helpOpen && <ShortcutHelp onClose={closeHelp} />}
    </div>
  );
}
