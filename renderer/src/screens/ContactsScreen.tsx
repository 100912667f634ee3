import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { plural } from '../lib/format';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEvent } from '../lib/api-context';
import { navigate } from '../lib/router';
import { EmptyState, ErrorBanner, Loading } from '../components/states';
import { PAGE_SIZE, useContactPages } from '../features/contacts/useContactPages';
import { ContactDetailView } from '../features/contacts/ContactDetailView';

const ROW_HEIGHT = 52;

export function ContactsScreen(props: { param: string | null }) {
  const [input, setInput] = useState('');
  const [query, setQuery] = useState('');
  const [reloadKey, setReloadKey] = useState(0);
  const [active, setActive] = useState(0);
  const selectedPk = props.param && /^\d+$/.test(props.param) ? Number(props.param) : null;
  const { total, error, row, load } = useContactPages(query, reloadKey);
  const listRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // Debounced search: typing stays instant, the cache is asked once the user pauses.
  useEffect(() => {
    const t = setTimeout(() => setQuery(input.trim()), 150);
    return () => clearTimeout(t);
  }, [input]);
  useEffect(() => setActive(0), [query]);
  useEvent('sync/finished', () => setReloadKey((k) => k + 1));

  const count = total ?? 0;
  // The virtualizer hands back fresh functions on every render by design; this component is not memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    const first = items[0]?.index;
    const last = items[items.length - 1]?.index;
    if (first === undefined || last === undefined) return;
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) load(p);
  }, [items, load]);

  function open(index: number) {
    const r = row(index);
    if (r) navigate('contacts', String(r.pk));
  }

  function onListKey(e: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor((listRef.current?.clientHeight ?? 520) / ROW_HEIGHT) - 1);
    let next: number;
    if (e.key === 'ArrowDown' || e.key === 'j') next = Math.min(count - 1, active + 1);
    else if (e.key === 'ArrowUp' || e.key === 'k') next = Math.max(0, active - 1);
    else if (e.key === 'PageDown') next = Math.min(count - 1, active + page);
    else if (e.key === 'PageUp') next = Math.max(0, active - page);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = count - 1;
    else if (e.key === 'Enter') {
      e.preventDefault();
      open(active);
      return;
    } else if (e.key === '/') {
      e.preventDefault();
      searchRef.current?.focus();
      return;
    } else return;
    e.preventDefault();
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    open(next);
  }

  return (
    <section className="contacts-screen">
      <div className="screen-head">
        <h1>Contacts</h1>
        <span className="muted" aria-live="polite">
          {total === null ? '' : `${count.toLocaleString()} ${query ? 'matching' : 'cached'}`}
        </span>
      </div>
      <div className="contacts-layout">
        <div className="contacts-list-pane">
          <input
            ref={searchRef}
            type="search"
            className="search"
            aria-label="Search contacts"
            placeholder="Search name, email, phone or company  ( / )"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                listRef.current?.focus();
              }
            }}
          />
          {error && <ErrorBanner error={error} onRetry={() => setReloadKey((k) => k + 1)} />}
          {total === null && !error && <Loading />}
          {total === 0 && !query && (
            <EmptyState title="No contacts cached yet">
              Add a CRM under <a href="#/connections">Connections</a> and sync it; its contacts appear here.
            </EmptyState>
          )}
          {total === 0 && query && <EmptyState title={`No contacts match “${query}”`} />}
          {count > 0 && (
            <div
              ref={listRef}
              className="virtual-list"
              role="listbox"
              tabIndex={0}
              aria-label="Contacts"
              aria-activedescendant={`contact-row-${active}`}
              onKeyDown={onListKey}
            >
              <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                {items.map((v) => {
                  const r = row(v.index);
                  const selected = r !== undefined && r.pk === selectedPk;
                  return (
                    <div
                      key={v.key}
                      id={`contact-row-${v.index}`}
                      role="option"
                      aria-selected={selected}
                      className={`contact-row${v.index === active ? ' active' : ''}${selected ? ' selected' : ''}`}
                      style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                      onClick={() => {
                        setActive(v.index);
                        open(v.index);
                      }}
                    >
                      {r ? (
                        <>
                          <div className="contact-name">
                            {r.name}
                            {r.tagCount > 0 && <span className="muted"> · {plural(r.tagCount, 'tag')}</span>}
                          </div>
                          <div className="muted contact-sub">
                            {[r.email, r.phone, r.company].filter(Boolean).join(' · ') || `Keap #${r.crmId}`}
                          </div>
                        </>
                      ) : (
                        <div className="muted">…</div>
                      )}
                    </div>
                  );
                })}
              </div>
            </div>
          )}
        </div>
        <div className="contacts-detail-pane">
          {selectedPk ? (
            <ContactDetailView pk={selectedPk} />
          ) : (
            count > 0 && (
              <p className="muted">
                Select a contact (↑ ↓ and Enter) to see its tags, orders and raw fields.
              </p>
            )
          )}
        </div>
      </div>
    </section>
  );
}
