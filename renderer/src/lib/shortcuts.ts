import { useEffect, useSyncExternalStore } from 'react';
import { SCREENS, SCREEN_LABELS } from './router';

export interface Shortcut {
  readonly keys: readonly string[];
  readonly description: string;
}

/** Every keyboard shortcut of the shell, as the help overlay lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  ...SCREENS.map((screen, i) => ({
    keys: ['Alt', String(i + 1)],
    description: `Go to ${SCREEN_LABELS[screen]}`,
  })),
  { keys: ['?'], description: 'Show or hide this list of shortcuts' },
  { keys: ['Esc'], description: 'Close this dialog' },
  { keys: ['Tab'], description: 'Move to the next control (the first press offers “Skip to content”)' },
];

/** Single-key shortcuts must not fire while the user types in a field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

/** The keys one part of the current screen answers to, as the `?` overlay lists them under a heading. */
export interface ShortcutSection {
  readonly title: string;
  readonly shortcuts: readonly Shortcut[];
}

// The registry of what is on screen now: each mounted part registers its keys and takes them away on unmount,
// so `?` always lists exactly the keys that work where the user is.
let sections: readonly ShortcutSection[] = [];
const listeners = new Set<() => void>();
const publish = () => listeners.forEach((l) => l());

export function useScreenShortcuts(section: ShortcutSection): void {
  const key = JSON.stringify(section);
  useEffect(() => {
    const entry = JSON.parse(key) as ShortcutSection;
    sections = [...sections, entry];
    publish();
    return () => {
      sections = sections.filter((s) => s !== entry);
      publish();
    };
  }, [key]);
}

export function useActiveShortcuts(): readonly ShortcutSection[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => sections,
  );
}
