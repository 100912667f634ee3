import { useId, useState } from 'react';
import { formatDate, plural } from '../../lib/format';
import { useQuery } from '../../lib/api-context';
import type { WordPressMember } from '../../../../app/api/contract';
import { EmptyState, ErrorBanner, Loading } from '../../components/states';
import { Pager } from '../../components/Pager';
import { RelinkControl } from './RelinkControl';
import { LinkedWordPressUsers } from './LinkedWordPressUsers';

type Filter = 'all' | 'orphans' | 'unlinked' | 'linked';
const FILTERS: { id: Filter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'orphans', label: 'Orphans' },
  { id: 'unlinked', label: 'Unlinked' },
  { id: 'linked', label: 'Linked' },
];
const PER_PAGE = 50;

const STATUS_LABEL: Record<WordPressMember['contactStatus'], string> = {
  linked: 'Linked',
  orphan: 'Contact gone',
  unlinked: 'No contact',
  unknown: 'Not checked',
};

/** A site's cached members with how each contact link stands, filterable to the ones that need fixing. */
export function MembersList(props: { connectionId: string }) {
  const id = useId();
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [contact, setContact] = useState<string | null>(null);
  const q = useQuery('wordpress/members', {
    connectionId: props.connectionId,
    filter,
    page,
    perPage: PER_PAGE,
    ...(search.trim() ? { search: search.trim() } : {}),
  });
  const pages = q.data ? Math.max(1, Math.ceil(q.data.total / PER_PAGE)) : 1;

  return (
    <div className="wp-members" role="region" aria-label="WordPress members">
      <div className="toolbar">
        <div role="radiogroup" aria-label="Show" className="segmented">
          {FILTERS.map((f) => (
            <button
              key={f.id}
              type="button"
              role="radio"
              aria-checked={filter === f.id}
              onClick={() => {
                setFilter(f.id);
                setPage(1);
              }}
            >
              {f.label}
            </button>
          ))}
        </div>
        <label htmlFor={`${id}-search`} className="sr-only">
          Search members
        </label>
        <input
          id={`${id}-search`}
          type="search"
          placeholder="Login, email, name or contact id"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
        />
      </div>
      {q.error && <ErrorBanner error={q.error} onRetry={q.reload} />}
      {q.loading && !q.data && <Loading label="Loading members…" />}
      {q.data && filter === 'orphans' && !q.data.orphanCheck && (
        <EmptyState title="Orphans need a synced CRM">
          Members pointing at a deleted contact can be found once a CRM is connected and synced.
        </EmptyState>
      )}
      {q.data && q.data.total === 0 && !(filter === 'orphans' && !q.data.orphanCheck) && (
        <EmptyState title={filter === 'all' && !search ? 'No members cached yet' : 'No members match'}>
          {filter === 'all' && !search
            ? 'Sync the site to load its members.'
            : 'Try another filter or search.'}
        </EmptyState>
      )}
      {q.data && q.data.total > 0 && (
        <>
          {contact && (
            <LinkedWordPressUsers key={contact} connectionId={props.connectionId} contactId={contact} />
          )}
          <div className="table-scroll">
            <table className="data">
              <caption className="sr-only">WordPress members and their linked contacts</caption>
              <thead>
                <tr>
                  <th scope="col">Login</th>
                  <th scope="col">Email</th>
                  <th scope="col">Last login</th>
                  <th scope="col">Contact id</th>
                  <th scope="col">Link</th>
                  <th scope="col">AccessAlly tags</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {q.data.items.map((m) => (
                  <tr key={m.wpId}>
                    <td className="wrap login">
                      {m.login}
                      <div className="muted">#{m.wpId}</div>
                    </td>
                    <td className="wrap email">{m.email}</td>
                    <td className="nowrap">{formatDate(m.lastLoginAt)}</td>
                    <td className="nowrap">
                      {m.linkedContactId ? (
                        <button
                          type="button"
                          className="link"
                          aria-label={`Users and orders of contact ${m.linkedContactId}`}
                          aria-pressed={contact === m.linkedContactId}
                          onClick={() =>
                            setContact((c) => (c === m.linkedContactId ? null : m.linkedContactId))
                          }
                        >
                          {m.linkedContactId}
                        </button>
                      ) : (
                        '—'
                      )}
                      {m.contactName && <div className="muted">{m.contactName}</div>}
                    </td>
                    <td>
                      <span className={`badge badge-${m.contactStatus}`}>
                        {STATUS_LABEL[m.contactStatus]}
                      </span>
                    </td>
                    <td className="tags-cell">{m.accessTags.map((t) => t.name).join(', ') || '—'}</td>
                    <td>
                      <RelinkControl
                        connectionId={m.connectionId}
                        wpId={m.wpId}
                        login={m.login}
                        current={m.linkedContactId}
                        onDone={q.reload}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Member pages"
            previous="Previous"
            next="Next"
            canPrevious={page > 1}
            canNext={page < pages}
            onPrevious={() => setPage((p) => p - 1)}
            onNext={() => setPage((p) => p + 1)}
          >
            Page {page} of {pages} · {plural(q.data.total, 'member')}
          </Pager>
        </>
      )}
    </div>
  );
}
