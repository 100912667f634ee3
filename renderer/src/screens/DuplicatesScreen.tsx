import { useCallback, useRef, useState } from 'react';
import './duplicates.css';
import type { DetectLane, GroupSummary, RunDetail } from '../../../app/api/contract';
import { useApi, useQuery } from '../lib/api-context';
import { navigate } from '../lib/router';
import { DESK_QUERY, useMediaQuery } from '../lib/useWide';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { useToasts } from '../components/Toasts';
import { ScanControl } from '../features/detect/ScanControl';
import { GroupList, type GroupFilter } from '../features/detect/GroupList';
import { GroupEvidence } from '../features/detect/GroupEvidence';
import { QueueFilters, type QueueFilterState } from '../features/detect/QueueFilters';
import { useNotDuplicate } from '../features/detect/useNotDuplicate';
import { LANE_HINTS, LANE_LABELS } from '../features/detect/labels';
import { GroupReview, type ReviewOutcome } from '../features/merge-review/GroupReview';
import { MergeResult } from '../features/merge-review/MergeResult';
import { BatchMerge } from '../features/batch/BatchMerge';
import { plural } from '../lib/format';

type Tab = DetectLane | 'all' | 'dismissed';
const TABS: readonly Tab[] = ['all', 'safe', 'needs_choice', 'maybe_two_people', 'dismissed'];

/**
 * The duplicates desk. Below 1280 px the queue and a group take turns; from 1280 px they stand side by side,
 * the queue on the left and the open group on the right, so a reviewer clears a lane from the keyboard: Merge,
 * Not a duplicate and Skip open the next group.
 */
export function DuplicatesScreen(props: { param: string | null }) {
  const id = props.param !== null ? Number(props.param) : null;
  const groupId = id !== null && Number.isInteger(id) && id > 0 ? id : null;
  const wide = useMediaQuery(DESK_QUERY);
  const api = useApi();
  const toasts = useToasts();
  const status = useQuery('workspace/status', {});
  const [version, setVersion] = useState(0);
  const [tab, setTab] = useState<Tab>('all');
  const [filters, setFilters] = useState<QueueFilterState>({
    search: '',
    tag: '',
    minScore: 0,
    sort: 'score_desc',
  });
  const [total, setTotal] = useState<number | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [lastMerge, setLastMerge] = useState<RunDetail | null>(null);
  const order = useRef<readonly number[]>([]);
  const handled = useRef(new Set<number>());

  const shared = {
    ...(filters.search.trim() ? { search: filters.search.trim() } : {}),
    ...(filters.tag.trim() ? { tag: filters.tag.trim() } : {}),
    ...(filters.minScore > 0 ? { minScore: filters.minScore } : {}),
  };
  // The tab counts follow the same filters as the list, the minimum score included.
  const counts = useQuery('groups/list', { limit: 1, ...shared });
  const dismissedCount = useQuery('groups/list', { limit: 1, status: 'dismissed' });
  const tags = useQuery('tags/list', {});
  const filter: GroupFilter = {
    ...(tab === 'dismissed' ? { status: 'dismissed' as const } : tab !== 'all' ? { lane: tab } : {}),
    ...shared,
    sort: filters.sort,
  };

  const { reload: reloadStatus } = status;
  const { reload: reloadCounts } = counts;
  const { reload: reloadDismissed } = dismissedCount;
  const refresh = useCallback(() => {
    setVersion((v) => v + 1);
    reloadStatus();
    reloadCounts();
    reloadDismissed();
  }, [reloadStatus, reloadCounts, reloadDismissed]);
  const { dismiss, undoGroup } = useNotDuplicate(refresh);
  const onTotal = useCallback((t: number) => setTotal(t), []);
  const onItems = useCallback((ids: readonly number[]) => (order.current = ids), []);
  const toggle = useCallback(
    (gid: number) =>
      setSelected((prev) => {
        const next = new Set(prev);
        if (!next.delete(gid)) next.add(gid);
        return next;
      }),
    [],
  );
  const clearSelection = useCallback(() => setSelected(new Set()), []);
  const fail = (e: unknown) => {
    const err = e as { message?: string };
    toasts.notify({
      id: `fail:${Date.now()}`,
      tone: 'error',
      title: 'That did not work',
      body: err.message ?? String(e),
    });
  };

  /**
   * The group after `current` in the queue: the next one on the page shown, else the first open one after it in
   * the queue's order (it may be past this page, or no longer listed once merged or dismissed), else the first
   * from the top of the queue. Groups just merged or dismissed are passed over.
   */
  const nextGroup = async (current: number): Promise<number | null> => {
    const waiting = (ids: readonly number[]) => ids.find((g) => g !== current && !handled.current.has(g));
    const shown = order.current;
    const at = shown.indexOf(current);
    const onPage = at >= 0 ? waiting(shown.slice(at + 1)) : undefined;
    if (onPage !== undefined) return onPage;
    const open = { ...filter, status: 'open' as const, limit: 50 };
    const later = await api.call('groups/list', { ...open, after: current });
    const next = waiting(later.items.map((g) => g.id));
    if (next !== undefined) return next;
    const top = await api.call('groups/list', open);
    return waiting(top.items.map((g) => g.id)) ?? null;
  };

  const onReviewDone = async (current: number, outcome: ReviewOutcome) => {
    try {
      if (outcome.kind === 'merged') setLastMerge(outcome.detail);
      if (outcome.kind === 'dismiss') await dismiss(current, outcome.names);
      if (outcome.kind !== 'skipped') handled.current.add(current);
      if (outcome.kind === 'merged') refresh();
      const next = await nextGroup(current);
      if (next !== null) navigate('duplicates', String(next));
      else navigate('duplicates');
    } catch (e) {
      fail(e);
    }
  };

  const laneCounts = counts.data?.lanes;
  const tabCount = (t: Tab): number | null => {
    if (t === 'dismissed') return dismissedCount.data?.total ?? null;
    if (!laneCounts) return null;
    return t === 'all'
      ? laneCounts.safe + laneCounts.needs_choice + laneCounts.maybe_two_people
      : laneCounts[t];
  };
  const empty = status.data?.contacts === 0;

  const queue = (
    <section className="queue-pane" aria-label="Queue">
      <div className="lane-tabs" role="tablist" aria-label="Lanes">
        {TABS.map((t) => {
          const n = tabCount(t);
          return (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              title={
                t === 'all'
                  ? 'Every open group'
                  : t === 'dismissed'
                    ? 'Groups marked “Not a duplicate”'
                    : LANE_HINTS[t]
              }
              onClick={() => setTab(t)}
            >
              {t === 'all' ? 'All' : t === 'dismissed' ? 'Dismissed' : LANE_LABELS[t]}
              {n !== null && ` (${n.toLocaleString()})`}
            </button>
          );
        })}
      </div>
      <QueueFilters value={filters} onChange={setFilters} tagSuggestions={tags.data?.names ?? []} />
      {total === 0 && (
        <EmptyState title={tab === 'dismissed' ? 'Nothing dismissed' : 'No duplicate groups to review'}>
          {tab === 'dismissed'
            ? 'Groups you mark “Not a duplicate” are listed here, with Undo.'
            : status.data?.groups === 0 && !filters.search && !filters.tag
              ? 'Run a scan to look for likely duplicates in the cached contacts.'
              : 'Nothing matches these filters.'}
        </EmptyState>
      )}
      <GroupList
        filter={filter}
        version={version}
        onOpen={(gid) => navigate('duplicates', String(gid))}
        onTotal={onTotal}
        onItems={onItems}
        {...(wide && groupId !== null ? { currentId: groupId } : {})}
        {...(tab === 'dismissed'
          ? { onUndo: (g: GroupSummary) => void undoGroup(g.id).catch(fail) }
          : {
              onDismiss: (g: GroupSummary) => void dismiss(g.id, g.names).catch(fail),
              selected,
              onToggle: toggle,
            })}
      />
    </section>
  );

  if (groupId !== null && !wide) {
    return (
      <GroupScreen
        key={groupId}
        id={groupId}
        lastMerge={lastMerge}
        onDone={(o) => void onReviewDone(groupId, o)}
      />
    );
  }

  return (
    <section className={groupId !== null ? 'duplicates desk' : 'duplicates'}>
      {groupId === null && <h1>Duplicates</h1>}
      {groupId === null && <ScanControl onFinished={refresh} />}
      {status.error && <ErrorBanner error={status.error} onRetry={status.reload} />}
      {status.loading && !status.data && <Loading />}
      {empty && (
        <EmptyState title="No contacts cached yet">
          Sync a CRM under <a href="#/connections">Connections</a> first: duplicates are found in the local
          cache, offline. Or analyse a CSV export under <a href="#/csv">CSV analysis</a>.
        </EmptyState>
      )}
      {status.data && !empty && groupId === null && (
        <>
          {lastMerge && <MergeResult detail={lastMerge} onClose={() => setLastMerge(null)} />}
          <BatchMerge
            selected={[...selected]}
            safeCount={laneCounts?.safe ?? null}
            onChanged={refresh}
            onClearSelection={clearSelection}
          />
          {selected.size > 0 && (
            <p className="muted" role="status">
              {plural(selected.size, 'group')} ticked for a batch merge.{' '}
              <button type="button" className="link-button" onClick={clearSelection}>
                Clear
              </button>
            </p>
          )}
          {queue}
        </>
      )}
      {status.data && !empty && groupId !== null && (
        <div className="desk-panes">
          {queue}
          <GroupScreen
            key={groupId}
            id={groupId}
            lastMerge={lastMerge}
            onDone={(o) => void onReviewDone(groupId, o)}
          />
        </div>
      )}
    </section>
  );
}

/**
 * One group: the side-by-side merge review (survivor, field picks, tags, orders, WordPress users, access preview
 * and the actions Merge / Not a duplicate / Remove / Skip) above the detection evidence that explains the score.
 * A group that no longer exists shows only that.
 */
function GroupScreen(props: { id: number; lastMerge: RunDetail | null; onDone: (o: ReviewOutcome) => void }) {
  const group = useQuery('groups/get', { id: props.id });
  const gone = group.error?.code === 'NOT_FOUND';
  return (
    <section
      className="group-screen"
      aria-label={`Group ${props.id}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement)) navigate('duplicates');
      }}
    >
      <p className="back-link">
        <a href="#/duplicates">← Back to the queue</a>
      </p>
      <h1>Duplicate group {props.id}</h1>
      {props.lastMerge && props.lastMerge.run.groupId !== props.id && (
        <MergeResult detail={props.lastMerge} />
      )}
      {gone ? (
        <EmptyState title={`Group ${props.id} is gone`}>
          It was merged, dismissed or regrouped by a later scan, so there is nothing to review here.{' '}
          <a href="#/duplicates">Back to the queue</a> or look it up in <a href="#/history">History</a>.
        </EmptyState>
      ) : (
        <>
          {group.error && <ErrorBanner error={group.error} onRetry={group.reload} />}
          <GroupReview groupId={props.id} onDone={props.onDone} />
          {group.loading && !group.data && <Loading label="Loading the evidence…" />}
          {group.data && (
            <details className="evidence-details" open>
              <summary>Why these records were grouped</summary>
              <GroupEvidence group={group.data} />
            </details>
          )}
        </>
      )}
    </section>
  );
}
