import { useCallback, useEffect, useRef, useState } from 'react';
import './detect.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { GroupSummary, Input } from '../../../../app/api/contract';
import { useApi } from '../../lib/api-context';
import { ErrorBanner } from '../../components/states';
import { plural, formatDate } from '../../lib/format';
import { useScreenShortcuts } from '../../lib/shortcuts';
import { LANE_LABELS, percent } from './labels';

const PAGE = 200;
export type GroupFilter = Omit<Input<'groups/list'>, 'offset' | 'limit' | 'after'>;

const QUEUE_KEYS = {
  title: 'Queue',
  shortcuts: [
    { keys: ['j'], description: 'Next group (↓ too)' },
    { keys: ['k'], description: 'Previous group (↑ too)' },
    { keys: ['Enter'], description: 'Open the highlighted group' },
    { keys: ['n'], description: 'Not a duplicate (with Undo)' },
    { keys: ['x'], description: 'Tick the group for a batch merge' },
  ],
};

/**
 * The review queue: a virtualised list that fetches pages of 200 as they scroll into view, so 100k groups stay
 * smooth. j/k move, Enter opens, n marks "not a duplicate", x ticks a group for a batch. Beside an open review
 * (the desk), moving opens the group at once, as a mail client does.
 */
export function GroupList(props: {
  filter: GroupFilter;
  version: number;
  onOpen: (id: number) => void;
  onTotal: (total: number) => void;
  /** The loaded groups in queue order, so "next group" follows what the reviewer sees. */
  onItems?: (ids: readonly number[]) => void;
  /** The group open beside the queue. */
  currentId?: number | null;
  onDismiss?: (group: GroupSummary) => void;
  /** In the Dismissed view: put the group back. */
  onUndo?: (group: GroupSummary) => void;
  /** Groups ticked for a batch merge; absent where the list offers no selection. */
  selected?: ReadonlySet<number>;
  onToggle?: (id: number) => void;
}) {
  const api = useApi();
  const [total, setTotal] = useState<number | null>(null);
  const [rows, setRows] = useState<Map<number, GroupSummary>>(new Map());
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [active, setActive] = useState(0);
  const loading = useRef(new Set<number>());
  const parent = useRef<HTMLDivElement>(null);
  const filterKey = JSON.stringify(props.filter);
  const { onTotal, onItems, currentId } = props;
  const desk = currentId !== undefined;
  useScreenShortcuts(QUEUE_KEYS);

  const loadPage = useCallback(
    async (page: number, reset = false) => {
      if (!reset && loading.current.has(page)) return;
      loading.current.add(page);
      try {
        const res = await api.call('groups/list', {
          ...(JSON.parse(filterKey) as GroupFilter),
          offset: page * PAGE,
          limit: PAGE,
        });
        setTotal(res.total);
        onTotal(res.total);
        setRows((prev) => {
          const next = reset ? new Map<number, GroupSummary>() : new Map(prev);
          res.items.forEach((g, i) => next.set(page * PAGE + i, g));
          return next;
        });
        setError(null);
      } catch (e) {
        const err = e as { code?: string; message?: string };
        setError({ code: err.code ?? 'INTERNAL', message: err.message ?? String(e) });
        loading.current.delete(page);
      }
    },
    [api, filterKey, onTotal],
  );

  useEffect(() => {
    loading.current = new Set();
    void loadPage(0, true);
  }, [loadPage, props.version]);

  useEffect(() => {
    onItems?.([...rows.entries()].sort(([a], [b]) => a - b).map(([, g]) => g.id));
  }, [rows, onItems]);

  // The open group is the highlighted row.
  useEffect(() => {
    if (currentId == null) return;
    for (const [index, g] of rows) if (g.id === currentId) setActive(index);
  }, [currentId, rows]);

  // TanStack Virtual manages its own state; the React Compiler just skips memoising this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => parent.current,
    estimateSize: () => (desk ? 48 : 56),
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    for (const item of items) {
      const page = Math.floor(item.index / PAGE);
      if (!rows.has(item.index) && !loading.current.has(page)) void loadPage(page);
    }
  }, [items, rows, loadPage]);

  const move = (next: number) => {
    setActive(next);
    virtualizer.scrollToIndex(next);
    const g = rows.get(next);
    if (desk && g) props.onOpen(g.id);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!total || e.altKey || e.ctrlKey || e.metaKey) return;
    const g = rows.get(active);
    if (e.key === 'j' || e.key === 'ArrowDown') {
      e.preventDefault();
      move(Math.min(total - 1, active + 1));
    } else if (e.key === 'k' || e.key === 'ArrowUp') {
      e.preventDefault();
      move(Math.max(0, active - 1));
    } else if (e.key === 'Enter') {
      if (g) props.onOpen(g.id);
    } else if (e.key === 'n' && props.onDismiss) {
      // Beside an open review the review answers n for its own group.
      e.preventDefault();
      e.stopPropagation();
      if (g) props.onDismiss(g);
    } else if (e.key === 'x' && props.onToggle) {
      e.preventDefault();
      if (g) props.onToggle(g.id);
    }
  };

  if (error && total === null) return <ErrorBanner error={error} onRetry={() => void loadPage(0, true)} />;
  return (
    <>
      {error && <ErrorBanner error={error} />}
      <div
        ref={parent}
        className={`group-list${desk ? ' compact' : ''}`}
        role="listbox"
        aria-label="Duplicate groups"
        aria-activedescendant={rows.get(active) ? `group-${rows.get(active)!.id}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-keyshortcuts="j k Enter n x"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const g = rows.get(item.index);
            const current = g !== undefined && g.id === currentId;
            return (
              <div
                key={item.key}
                id={g ? `group-${g.id}` : undefined}
                role="option"
                aria-selected={item.index === active}
                aria-current={current ? 'true' : undefined}
                className={`group-row${item.index === active ? ' active' : ''}${current ? ' current' : ''}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: item.size,
                  transform: `translateY(${item.start}px)`,
                }}
                onClick={() => {
                  setActive(item.index);
                  if (g && !props.onUndo) props.onOpen(g.id);
                }}
              >
                {g ? (
                  <>
                    {props.onToggle && (
                      <input
                        type="checkbox"
                        className="group-select"
                        aria-label={`Select group ${g.id} for a batch merge`}
                        checked={props.selected?.has(g.id) ?? false}
                        onClick={(e) => e.stopPropagation()}
                        onChange={() => props.onToggle?.(g.id)}
                      />
                    )}
                    <span className={`lane-dot lane-${g.lane}`} title={LANE_LABELS[g.lane]} />
                    <span className="group-main">
                      <span className="group-names">{g.names || `Group ${g.id}`}</span>
                      <span className="group-reason">{g.reason}</span>
                    </span>
                    <span className="group-meta">
                      <span className="group-score">{percent(g.score)}</span>
                      {!desk && <span>{plural(g.size, 'record')}</span>}
                      {!desk && <span>{formatDate(g.lastActivity)}</span>}
                    </span>
                    {props.onUndo && (
                      <button
                        type="button"
                        onClick={(e) => {
                          e.stopPropagation();
                          props.onUndo?.(g);
                        }}
                        aria-label={`Undo: ${g.names || `group ${g.id}`} is a duplicate after all`}
                      >
                        Undo
                      </button>
                    )}
                  </>
                ) : (
                  <span className="muted">Loading…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <p className="muted keys-hint">
        j/k to move · Enter to open · n = not a duplicate · x = tick for a batch · ? = every key
      </p>
    </>
  );
}
