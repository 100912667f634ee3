import { useState } from 'react';
import type { Sequence } from './review-state';

function parseSequences(text: string): Sequence[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [a, b] = s.split(':').map((x) => x.trim());
      return b ? { campaignId: a!, sequenceId: b } : { sequenceId: a! };
    });
}

/** The sequences the survivor joins after the merge (a merge does not carry the duplicates' membership). */
export function SequencePicker(props: {
  connectionId: string;
  value: readonly Sequence[];
  onChange: (next: readonly Sequence[]) => void;
}) {
  const [text, setText] = useState(() =>
    props.value.map((s) => (s.campaignId ? `${s.campaignId}:${s.sequenceId}` : s.sequenceId)).join(', '),
  );
  return (
    <section className="review-section" aria-labelledby="seq-title">
      <h3 id="seq-title">Sequences</h3>
      <p className="muted">
        A merge does not carry the duplicates&apos; sequence membership. Add the survivor to sequences (ids,
        comma-separated; write campaign:sequence when the CRM needs the campaign).
      </p>
      <input
        aria-labelledby="seq-title"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          props.onChange(parseSequences(e.target.value));
        }}
        placeholder="e.g. 12:34, 56"
      />
    </section>
  );
}
