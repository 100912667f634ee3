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
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [, setVersion] = useState(0);
  const pages = useRef(new Map<number, ContactListItem[]>());
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      inflight.current.add(page);
      const gen = generation.current;
      api.call('contacts/search', { query, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
        (res) => {
          if (gen !== generation.current) return;
          inflight.current.delete(page);
          pages.current.set(page, res.items);
          setTotal(res.total);
          setError(null);
          setVersion((v) => v + 1);
        },
        (err: { code?: string; message?: string }) => {
          if (gen !== generation.current) return;
          inflight.current.delete(page);
          setError({ code: err.code ?? 'INTERNAL', message: err.message ?? String(err) });
        },
      );
    },
    [api, query],
  );

  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    inflight.current = new Set();
    setTotal(null);
    load(0);
  }, [load, reloadKey]);

  const row = useCallback((index: number): ContactListItem | undefined => {
    return pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }, []);

  return { total, error, row, load };
}
