import { useCallback, useState } from 'react';
import type { DetectLane } from '../../../app/api/contract';
import { useQuery } from '../lib/api-context';
import { navigate } from '../lib/router';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { ScanControl } from '../features/detect/ScanControl';
import { GroupList, type GroupFilter } from '../features/detect/GroupList';
import { GroupEvidence } from '../features/detect/GroupEvidence';
import { LANE_HINTS, LANE_LABELS } from '../features/detect/labels';
import { GroupReview } from '../features/merge-review/GroupReview';

export function DuplicatesScreen(props: { param: string | null }) {
  const id = props.param ? Number(props.param) : null;
  if (id && Number.isInteger(id) && id > 0) return <GroupScreen id={id} />;
  return <QueueScreen />;
}

function QueueScreen() {
  const status = useQuery('workspace/status', {});
  const [version, setVersion] = useState(0);
  const [lane, setLane] = useState<DetectLane | 'all'>('all');
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState('');
  const [minScore, setMinScore] = useState(0);
  const [sort, setSort] = useState<GroupFilter['sort']>('score_desc');
  const [total, setTotal] = useState<number | null>(null);
  const counts = useQuery('groups/list', {
    limit: 1,
    ...(search ? { search } : {}),
    ...(tag ? { tag } : {}),
  });
  const refresh = useCallback(() => {
    setVersion((v) => v + 1);
    status.reload();
    counts.reload();
  }, [status, counts]);
  const onTotal = useCallback((t: number) => setTotal(t), []);

  const filter: GroupFilter = {
    ...(lane !== 'all' ? { lane } : {}),
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(tag.trim() ? { tag: tag.trim() } : {}),
    ...(minScore > 0 ? { minScore } : {}),
    sort,
  };
  const laneCounts = counts.data?.lanes;
  const all = laneCounts ? laneCounts.safe + laneCounts.needs_choice + laneCounts.maybe_two_people : null;

  return (
    <section className="duplicates">
      <h1>Duplicates</h1>
      <ScanControl onFinished={refresh} />
      {status.error && <ErrorBanner error={status.error} onRetry={status.reload} />}
      {status.loading && !status.data && <Loading />}
      {status.data && status.data.contacts === 0 && (
        <EmptyState title="No contacts cached yet">
          Sync a CRM under <a href="#/connections">Connections</a> first: duplicates are found in the local
          cache, offline. Or analyse a CSV export under <a href="#/csv">CSV analysis</a>.
        </EmptyState>
      )}
      {status.data && status.data.contacts > 0 && (
        <>
          <div className="lane-tabs" role="tablist" aria-label="Lanes">
            {(['all', 'safe', 'needs_choice', 'maybe_two_people'] as const).map((l) => (
              <button
                key={l}
                type="button"
                role="tab"
                aria-selected={lane === l}
                title={l === 'all' ? 'Every open group' : LANE_HINTS[l]}
                onClick={() => setLane(l)}
              >
                {l === 'all' ? 'All' : LANE_LABELS[l]}
                {laneCounts && ` (${(l === 'all' ? all! : laneCounts[l]).toLocaleString()})`}
              </button>
            ))}
          </div>
          <div className="filters">
            <label>
              Search
              <input
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder="name, email, phone"
              />
            </label>
            <label>
              Tag
              <input
                type="text"
                value={tag}
                onChange={(e) => setTag(e.target.value)}
                placeholder="exact tag name"
              />
            </label>
            <label>
              Min score
              <select value={minScore} onChange={(e) => setMinScore(Number(e.target.value))}>
                {[0, 0.5, 0.8, 0.9, 0.99].map((s) => (
                  <option key={s} value={s}>
                    {s === 0 ? 'any' : `${s * 100}%`}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Sort
              <select value={sort} onChange={(e) => setSort(e.target.value as GroupFilter['sort'])}>
                <option value="score_desc">Highest score</option>
                <option value="score_asc">Lowest score</option>
                <option value="size_desc">Most records</option>
                <option value="activity_desc">Latest activity</option>
              </select>
            </label>
          </div>
          {total === 0 && (
            <EmptyState title="No duplicate groups to review">
              {status.data.groups === 0 && !search && !tag
                ? 'Run a scan to look for likely duplicates in the cached contacts.'
                : 'Nothing matches these filters.'}
            </EmptyState>
          )}
          <GroupList
            filter={filter}
            version={version}
            onOpen={(gid) => navigate('duplicates', String(gid))}
            onTotal={onTotal}
          />
        </>
      )}
    </section>
  );
}

/**
 * One group: the side-by-side merge review (survivor, field picks, tags, orders, WordPress users, access preview
 * and the actions Merge / Not a duplicate / Remove / Skip) above the detection evidence that explains the score.
 */
function GroupScreen(props: { id: number }) {
  const group = useQuery('groups/get', { id: props.id });
  return (
    <section
      className="group-screen"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !(e.target instanceof HTMLInputElement)) navigate('duplicates');
      }}
    >
      <p>
        <a href="#/duplicates">← Back to the queue</a>
      </p>
      <h1>Duplicate group {props.id}</h1>
      <GroupReview groupId={props.id} onDone={() => navigate('duplicates')} />
      {group.loading && !group.data && <Loading label="Loading the evidence…" />}
      {group.error && <ErrorBanner error={group.error} onRetry={group.reload} />}
      {group.data && (
        <details className="evidence-details" open>
          <summary>Why these records were grouped</summary>
          <GroupEvidence group={group.data} />
        </details>
      )}
    </section>
  );
}
