import { useState } from 'react';
import './detect.css';
import { plural } from '../../lib/format';
import { words } from '../../../../app/api/client';
import type { DetectSettings } from '../../../../app/api/contract';
import { useApi, useQuery } from '../../lib/api-context';
import { ErrorBanner, Loading } from '../../components/states';
import { LANE_LABELS } from './labels';
import { useUnsavedEdits } from '../../lib/router';

type FieldKey = keyof DetectSettings['fieldWeights'];
const { FIELD_LABELS } = words;
/** The detection weights in the same words as the contact fields. */
const WEIGHT_LABELS: Record<FieldKey, string> = {
  given: FIELD_LABELS.givenName,
  family: FIELD_LABELS.familyName,
  dob: FIELD_LABELS.birthday,
  email: 'Email',
  phone: 'Phone',
  postcode: 'Postcode',
  street: 'Street address',
  locality: 'City',
  region: 'State',
  company: FIELD_LABELS.company,
};

/** Detection settings with a live preview of each lane's size (re-clusters stored scores; no re-scan). */
export function DetectionSettings() {
  const api = useApi();
  const stored = useQuery('detect/settings/get', {});
  const [edited, setDraft] = useState<DetectSettings | null>(null);
  // Until the user edits something, the form shows what is stored.
  const draft = edited ?? stored.data ?? null;
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const preview = useQuery('detect/preview', draft ?? {});
  useUnsavedEdits(edited !== null && !saved, 'the detection settings');

  if (stored.error && !draft) return <ErrorBanner error={stored.error} onRetry={stored.reload} />;
  if (!draft) return <Loading label="Loading detection settings…" />;

  const update = (patch: Partial<DetectSettings>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const save = async () => {
    try {
      setDraft(await api.call('detect/settings/set', draft));
      setSaved(true);
      setError(null);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      setError({ code: err.code ?? 'INTERNAL', message: err.message ?? String(e) });
    }
  };

  return (
    <section className="detect-settings" aria-labelledby="detect-settings-title">
      <h2 id="detect-settings-title">Duplicate detection</h2>
      {error && <ErrorBanner error={error} />}
      <div className="form-grid">
        <label>
          Match threshold: {Math.round(draft.threshold * 100)}%
          <input
            type="range"
            min={0.5}
            max={0.99}
            step={0.01}
            value={draft.threshold}
            onChange={(e) => update({ threshold: Number(e.target.value) })}
          />
        </label>
        <label>
          Show to a reviewer from: {Math.round(draft.reviewThreshold * 100)}%
          <input
            type="range"
            min={0.05}
            max={0.95}
            step={0.01}
            value={draft.reviewThreshold}
            onChange={(e) => update({ reviewThreshold: Number(e.target.value) })}
          />
        </label>
        <label>
          Default phone region
          <input
            type="text"
            maxLength={2}
            value={draft.phoneRegion}
            onChange={(e) => update({ phoneRegion: e.target.value.toUpperCase() })}
            pattern="[A-Z]{2}"
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.nicknames}
            onChange={(e) => update({ nicknames: e.target.checked })}
          />
          Treat nicknames as the same name (Bill = William)
        </label>
      </div>
      <fieldset className="field-weights">
        <legend>Field weights</legend>
        {(Object.keys(WEIGHT_LABELS) as FieldKey[]).map((k) => (
          <label key={k}>
            {WEIGHT_LABELS[k]}: ×{draft.fieldWeights[k].toFixed(1)}
            <input
              type="range"
              min={0}
              max={2}
              step={0.1}
              value={draft.fieldWeights[k]}
              onChange={(e) =>
                update({ fieldWeights: { ...draft.fieldWeights, [k]: Number(e.target.value) } })
              }
            />
          </label>
        ))}
      </fieldset>
      <div className="lane-preview" aria-live="polite">
        {preview.error && <ErrorBanner error={preview.error} />}
        {preview.data && (
          <p>
            At these settings: {plural(preview.data.groups, 'group')} —{' '}
            {(Object.keys(LANE_LABELS) as (keyof typeof LANE_LABELS)[])
              .map((l) => `${LANE_LABELS[l]} ${preview.data!.lanes[l].toLocaleString()}`)
              .join(' · ')}
          </p>
        )}
        {preview.loading && !preview.data && <Loading label="Previewing…" />}
      </div>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void save()}>
          Save detection settings
        </button>
        {saved && <span className="muted">Saved. The next scan uses them.</span>}
      </div>
    </section>
  );
}
