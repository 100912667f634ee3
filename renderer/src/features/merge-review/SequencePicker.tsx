import { useId, useState } from 'react';
import { useQuery } from '../../lib/api-context';
import { ErrorBanner, Loading } from '../../components/states';
import type { CrmSequence } from '../../../../app/api/contract';
import type { Sequence } from './review-state';

const same = (a: Sequence, b: CrmSequence) => a.campaignId === b.campaignId && a.sequenceId === b.sequenceId;

function matches(q: CrmSequence, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${q.name} ${q.campaignName}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

function emailWords(q: CrmSequence): string {
  return q.sendsEmail === false ? 'sends no emails' : q.sendsEmail ? 'sends emails' : 'may send emails';
}

/**
 * The campaign sequences the survivor joins after the merge (a CRM merge does not carry the duplicates'
 * membership), picked by name from the CRM's own list; the search narrows the list, each one is a checkbox.
 */
export function SequencePicker(props: {
  connectionId: string;
  value: readonly Sequence[];
  onChange: (next: readonly Sequence[]) => void;
}) {
  const q = useQuery('merge/sequences', { connectionId: props.connectionId });
  const [search, setSearch] = useState('');
  const searchId = useId();
  if (q.error) return <ErrorBanner error={q.error} onRetry={q.reload} />;
  if (q.loading && !q.data) return <Loading label="Reading the CRM's campaign sequences…" />;
  const offered = q.data?.sequences;
  if (!offered) return null;
  const shown = offered.filter((s) => matches(s, search));
  const pickedNames = offered.filter((o) => props.value.some((v) => same(v, o))).map((o) => o.name);
  return (
    <section className="review-section" aria-labelledby="seq-title">
      <h3 id="seq-title">Sequences</h3>
      <p className="muted">
        A CRM merge does not carry the duplicates&apos; sequence membership. Pick the sequences the survivor
        joins; a sequence may send its emails at once.
      </p>
      {offered.length === 0 ? (
        <p className="muted">This CRM has no published campaign sequences.</p>
      ) : (
        <>
          <label htmlFor={searchId}>Find a sequence</label>{' '}
          <input
            id={searchId}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Sequence or campaign name"
          />
          <p className="muted" aria-live="polite">
            {pickedNames.length === 0 ? 'None picked.' : `Picked: ${pickedNames.join(', ')}.`}
          </p>
          <fieldset className="sequence-options" aria-label="Campaign sequences">
            {shown.length === 0 && <p className="muted">No sequence matches “{search}”.</p>}
            {shown.map((s) => (
              <label key={`${s.campaignId}/${s.sequenceId}`} className="tag-option">
                <input
                  type="checkbox"
                  checked={props.value.some((v) => same(v, s))}
                  onChange={(e) =>
                    props.onChange(
                      e.target.checked
                        ? [...props.value, { campaignId: s.campaignId, sequenceId: s.sequenceId }]
                        : props.value.filter((v) => !same(v, s)),
                    )
                  }
                />{' '}
                {s.name} <span className="muted">· {s.campaignName}</span>
                <span className={`badge ${s.sendsEmail === false ? '' : 'automation'}`}>{emailWords(s)}</span>
              </label>
            ))}
          </fieldset>
        </>
      )}
    </section>
  );
}
