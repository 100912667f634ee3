import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../../lib/api-context';
import type { ContactListItem } from '../../../../app/api/contract';

export const PAGE_SIZE = 100;

/**
 * Rows of a search fetched a page at a time as the list scrolls; only visible pages are ever requested, so a
 * 100k-contact cache costs the same as a small one. A new query or a reload drops the pages.
 */
export function useContactPages(query: string, reloadKey: number) {
  const api = useApi();
  const key = `${reloadKey}|${query}`;
  const [state, setState] = useState<{
    key: string;
    total: number | null;
    error: { code: string; message: string } | null;
    version: number;
  }>({ key: '', total: null, error: null, version: 0 });
  const pages = useRef({ key: '', map: new Map<number, ContactListItem[]>(), inflight: new Set<number>() });

  const load = useCallback(
    (page: number) => {
      if (pages.current.key !== key) pages.current = { key, map: new Map(), inflight: new Set() };
      const cache = pages.current;
      if (cache.map.has(page) || cache.inflight.has(page)) return;
      cache.inflight.add(page);
      api.call('contacts/search', { query, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
        (res) => {
          cache.inflight.delete(page);
          if (pages.current !== cache) return;
          cache.map.set(page, res.items);
          setState((s) => ({ key, total: res.total, error: null, version: s.version + 1 }));
        },
        (err: { code?: string; message?: string }) => {
          cache.inflight.delete(page);
          if (pages.current !== cache) return;
          setState((s) => ({
            key,
            total: s.key === key ? s.total : null,
            error: { code: err.code ?? 'INTERNAL', message: err.message ?? String(err) },
            version: s.version + 1,
          }));
        },
      );
    },
    [api, query, key],
  );

  useEffect(() => {
    load(0);
  }, [load]);

  const row = useCallback(
    (index: number): ContactListItem | undefined =>
      pages.current.key === key
        ? pages.current.map.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE]
        : undefined,
    // state.version: re-create when a page arrives so rows re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, state.version],
  );

  const current = state.key === key;
  return { total: current ? state.total : null, error: current ? state.error : null, row, load };
}
