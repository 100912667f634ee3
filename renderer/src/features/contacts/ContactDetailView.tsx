import { words } from '../../../../app/api/client';
import { formatDate } from '../../lib/format';
import type { ReactNode } from 'react';
import { useQuery } from '../../lib/api-context';
import { ErrorBanner, Loading } from '../../components/states';
import { ContactDetailPanels } from './ContactDetailPanels';

export function ContactDetailView(props: { readonly pk: number }) {
  const detail = useQuery('contacts/get', { pk: props.pk });
  if (detail.loading && !detail.data) return <Loading label="Loading contact…" />;
  if (detail.error) return <ErrorBanner error={detail.error} onRetry={detail.reload} />;
  const c = detail.data;
  if (!c) return null;
  const tagsByCategory = new Map<string, typeof c.tags>();
  for (const t of c.tags) {
    const key = t.category ?? 'uncategorised';
    tagsByCategory.set(key, [...(tagsByCategory.get(key) ?? []), t]);
  }
  return (
    <article className="contact-detail" aria-label={`Contact ${c.name}`}>
      <header>
        <h2>{c.name}</h2>
        <div className="muted">
          Keap #{c.crmId} · {c.connectionLabel}
          {c.updatedAt ? ` · updated ${formatDate(c.updatedAt)}` : ''}
        </div>
      </header>
      <dl className="facts compact">
        {c.company && (
          <>
            <dt>Company</dt>
            <dd>{c.company}</dd>
          </>
        )}
        {c.jobTitle && (
          <>
            <dt>Job title</dt>
            <dd>{c.jobTitle}</dd>
          </>
        )}
        {c.birthday && (
          <>
            <dt>Birthday</dt>
            <dd>{c.birthday}</dd>
          </>
        )}
        {c.emails.map((e) => (
          <FactRow key={e.slot} term={words.slotLabel(e.slot)}>
            {e.email}{' '}
            <span className="muted">
              {e.optIn === true ? '· opted in' : e.optIn === false ? '· not opted in' : ''}
              {e.status ? ` · ${e.status}` : ''}
            </span>
          </FactRow>
        ))}
        {c.phones.map((p) => (
          <FactRow key={p.slot} term={words.slotLabel(p.slot)}>
            {p.number}
            {p.extension ? ` ext. ${p.extension}` : ''} <span className="muted">{p.type ?? ''}</span>
          </FactRow>
        ))}
        {c.addresses.map((a) => (
          <FactRow key={a.slot} term={words.slotLabel(a.slot)}>
            {[a.line1, a.line2, a.locality, a.region, a.postalCode, a.countryCode].filter(Boolean).join(', ')}
          </FactRow>
        ))}
      </dl>
      <h3>Tags ({c.tags.length})</h3>
      {c.tags.length === 0 ? (
        <p className="muted">No tags.</p>
      ) : (
        [...tagsByCategory.entries()].map(([cat, tags]) => (
          <div key={cat} className="tag-group">
            <span className="muted">{cat}:</span>{' '}
            {tags.map((t) => (
              <span key={t.id} className={`tag tag-${cat}`}>
                {t.name}
              </span>
            ))}
          </div>
        ))
      )}
      <h3>Orders ({c.orders.length})</h3>
      {c.orders.length === 0 ? (
        <p className="muted">No orders.</p>
      ) : (
        <table className="mini">
          <tbody>
            {c.orders.map((o) => (
              <tr key={o.id}>
                <td>#{o.id}</td>
                <td>{o.title}</td>
                <td>{o.status}</td>
                <td>{o.total !== null ? o.total.toFixed(2) : ''}</td>
                <td>{formatDate(o.orderDate, '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Subscriptions ({c.subscriptions.length})</h3>
      {c.subscriptions.length === 0 ? (
        <p className="muted">No subscriptions.</p>
      ) : (
        <table className="mini">
          <tbody>
            {c.subscriptions.map((s) => (
              <tr key={s.id}>
                <td>#{s.id}</td>
                <td>{s.title}</td>
                <td>{s.active ? 'active' : (s.status ?? 'inactive')}</td>
                <td>{s.nextBillDate ? `next bill ${s.nextBillDate}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ContactDetailPanels contact={c} />
      <details className="raw">
        <summary>Raw CRM fields</summary>
        <pre>{JSON.stringify(c.raw, null, 2)}</pre>
      </details>
    </article>
  );
}

function FactRow(props: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </>
  );
}
