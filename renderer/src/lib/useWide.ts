import { useSyncExternalStore } from 'react';

/** At this width the queue and the review stand side by side, as in a mail client. */
export const DESK_QUERY = '(min-width: 1280px)';

export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}
