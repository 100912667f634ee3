import { useEffect, useState, useSyncExternalStore } from 'react';

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

/**
 * Edits not saved yet, by the part of the screen that holds them ("Detection settings"). While any exist, leaving
 * the screen — a link, Alt+number, Back — waits for the person to choose Discard or Keep editing, and closing the
 * window or tab asks through the browser's own `beforeunload` prompt.
 */
const unsaved = new Map<symbol, string>();
/** Where the person asked to go while edits were unsaved; null when nothing waits for an answer. */
let pendingHash: string | null = null;
const listeners = new Set<() => void>();
const publish = () => listeners.forEach((l) => l());
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

const currentHash = () => window.location.hash || '#/';

function warnBeforeUnload(e: BeforeUnloadEvent): void {
  e.preventDefault();
  // Older engines show the prompt only when returnValue is set.
  e.returnValue = '';
}

/** A screen part declares that it holds unsaved edits for as long as `dirty` is true. */
export function useUnsavedEdits(dirty: boolean, what: string): void {
  useEffect(() => {
    if (!dirty) return;
    const token = Symbol(what);
    unsaved.set(token, what);
    if (unsaved.size === 1) window.addEventListener('beforeunload', warnBeforeUnload);
    publish();
    return () => {
      unsaved.delete(token);
      if (unsaved.size === 0) {
        window.removeEventListener('beforeunload', warnBeforeUnload);
        pendingHash = null;
      }
      publish();
    };
  }, [dirty, what]);
}

export interface LeaveRequest {
  /** What holds unsaved edits, in words: "Detection settings", "Merge settings". */
  readonly unsaved: readonly string[];
  /** Drops the edits and goes where the person asked. */
  discard(): void;
  /** Stays on the screen with the edits as they are. */
  keepEditing(): void;
}

function snapshotOfRequest(): LeaveRequest | null {
  return pendingHash === null ? null : leaveRequest;
}
let leaveRequest: LeaveRequest | null = null;

function ask(hash: string): void {
  pendingHash = hash;
  leaveRequest = {
    unsaved: [...new Set(unsaved.values())],
    discard() {
      const target = pendingHash;
      pendingHash = null;
      leaveRequest = null;
      unsaved.clear();
      window.removeEventListener('beforeunload', warnBeforeUnload);
      publish();
      if (target !== null) window.location.hash = target;
    },
    keepEditing() {
      pendingHash = null;
      leaveRequest = null;
      publish();
    },
  };
  publish();
}

/** A request to leave the screen that waits for Discard or Keep editing; null when there is none. */
export function useLeaveRequest(): LeaveRequest | null {
  return useSyncExternalStore(subscribe, snapshotOfRequest);
}

/** True when going to `hash` would leave the current screen (a new param on the same screen keeps the edits). */
function leavesScreen(hash: string): boolean {
  return parse(hash).screen !== parse(currentHash()).screen;
}

/**
 * The last word on every hash change, Back and Forward included: one that would drop unsaved edits is undone before
 * any screen sees it (listeners on the window run after this capture listener is stopped) and asked about first.
 */
let guardedFrom = typeof window === 'undefined' ? '#/' : currentHash();
function onHashChange(e: HashChangeEvent): void {
  const to = currentHash();
  if (unsaved.size > 0 && parse(to).screen !== parse(guardedFrom).screen) {
    e.stopImmediatePropagation();
    window.history.replaceState(null, '', guardedFrom);
    ask(to);
    return;
  }
  guardedFrom = to;
}
/**
 * A link to another screen is asked about before the browser follows it, so the history gains no entry for a move
 * that did not happen (Back then still leads where it did).
 */
function onLinkClick(e: MouseEvent): void {
  if (unsaved.size === 0 || e.defaultPrevented || e.button !== 0) return;
  const link = (e.target as Element | null)?.closest?.('a[href^="#/"]');
  const hash = link?.getAttribute('href');
  if (!hash || !leavesScreen(hash)) return;
  e.preventDefault();
  ask(hash);
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', onHashChange, { capture: true });
  document.addEventListener('click', onLinkClick, { capture: true });
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
  const hash = `#/${screen}${param ? `/${encodeURIComponent(param)}` : ''}`;
  if (unsaved.size > 0 && leavesScreen(hash)) return ask(hash);
  window.location.hash = hash;
}
