import { useCallback, useEffect, useRef } from 'react';

/**
 * Wraps `fn` so it runs at most once per `ms`: the first call runs at once, calls during the pause collapse into one
 * trailing run. A sync can announce thousands of cache changes; the status bar needs one refresh per second.
 */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      latest.current();
    } else if (timer.current === undefined) {
      timer.current = setTimeout(() => {
        timer.current = undefined;
        last.current = Date.now();
        latest.current();
      }, wait);
    }
  }, [ms]);
}
