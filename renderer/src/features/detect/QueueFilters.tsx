import type { GroupFilter } from './GroupList';

export interface QueueFilterState {
  readonly search: string;
  readonly tag: string;
  readonly minScore: number;
  readonly sort: NonNullable<GroupFilter['sort']>;
}

/** Search, tag, minimum score and order of the queue; the lane tabs count with the same filters. */
export function QueueFilters(props: {
  value: QueueFilterState;
  onChange: (next: QueueFilterState) => void;
  tagSuggestions?: readonly string[];
}) {
  const { value, onChange } = props;
  const set = (patch: Partial<QueueFilterState>) => onChange({ ...value, ...patch });
  return (
    <div className="filters">
      <label>
        Search
        <input
          type="search"
          value={value.search}
          onChange={(e) => set({ search: e.target.value })}
          placeholder="name, email, phone"
        />
      </label>
      <label>
        Tag
        <input
          type="text"
          value={value.tag}
          list="queue-tag-suggestions"
          onChange={(e) => set({ tag: e.target.value })}
          placeholder="tag name"
        />
        <datalist id="queue-tag-suggestions">
          {(props.tagSuggestions ?? []).map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <label>
        Min score
        <select value={value.minScore} onChange={(e) => set({ minScore: Number(e.target.value) })}>
          {[0, 0.5, 0.8, 0.9, 0.99].map((s) => (
            <option key={s} value={s}>
              {s === 0 ? 'any' : `${s * 100}%`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sort
        <select
          value={value.sort}
          onChange={(e) => set({ sort: e.target.value as QueueFilterState['sort'] })}
        >
          <option value="score_desc">Highest score</option>
          <option value="score_asc">Lowest score</option>
          <option value="size_desc">Most records</option>
          <option value="activity_desc">Latest activity</option>
        </select>
      </label>
    </div>
  );
}
