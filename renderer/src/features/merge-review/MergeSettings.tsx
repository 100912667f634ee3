import { useState } from 'react';
import { words } from '../../../../app/api/client';
import './merge-review.css';
import { useApi, useQuery } from '../../lib/api-context';
import { ErrorBanner, Loading } from '../../components/states';
import { useUnsavedEdits } from '../../lib/router';
import type { AccessSettings, SurvivorshipSettings } from '../../../../app/api/contract';

const { FIELD_LABELS } = words;
const SINGLE_FIELD_LABELS = Object.fromEntries(
  Object.entries(FIELD_LABELS).filter(([f]) => !['emails', 'phones', 'addresses'].includes(f)),
);
const FIELD_RULES = Object.entries(words.FIELD_RULE_LABELS);
const SURVIVOR_RULES = Object.entries(words.SURVIVOR_RULE_LABELS).filter(([r]) => r !== 'chosen');

const list = (v: readonly string[]) => v.join(', ');
const parseList = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The access settings as the form's text fields hold them. */
const formOf = (acc: AccessSettings): Record<keyof AccessSettings, string> => ({
  accessCategories: list(acc.accessCategories),
  accessNamePatterns: list(acc.accessNamePatterns),
  revokeNamePatterns: list(acc.revokeNamePatterns),
  automationCategories: list(acc.automationCategories),
  automationNamePatterns: list(acc.automationNamePatterns),
});

/** Survivorship rules (which record and which values win) and which tags count as access or automation. */
export function MergeSettings() {
  const settings = useQuery('merge/settings-get', {});
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section aria-labelledby="merge-settings-title" className="review-section">
      <h2 id="merge-settings-title">Merging</h2>
      {settings.loading && !settings.data && <Loading />}
      {settings.error && <ErrorBanner error={settings.error} onRetry={settings.reload} />}
      {settings.data && (
        <SettingsForm
          key={JSON.stringify(settings.data)}
          initial={settings.data}
          onSaved={() => {
            setSaved('Saved. New reviews use these rules.');
            settings.reload();
          }}
        />
      )}
      {saved && <p role="status">{saved}</p>}
    </section>
  );
}

function SettingsForm(props: {
  initial: { survivorship: SurvivorshipSettings; access: AccessSettings };
  onSaved: () => void;
}) {
  const api = useApi();
  const acc = props.initial.access;
  const [s, setS] = useState<SurvivorshipSettings>(props.initial.survivorship);
  const [a, setA] = useState<Record<keyof AccessSettings, string>>(() => formOf(acc));
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  useUnsavedEdits(
    JSON.stringify({ s, a }) !== JSON.stringify({ s: props.initial.survivorship, a: formOf(acc) }),
    'the merge settings',
  );

  async function save() {
    setError(null);
    try {
      await api.call('merge/settings-set', {
        survivorship: s,
        access: {
          accessCategories: parseList(a.accessCategories),
          accessNamePatterns: parseList(a.accessNamePatterns),
          revokeNamePatterns: parseList(a.revokeNamePatterns),
          automationCategories: parseList(a.automationCategories),
          automationNamePatterns: parseList(a.automationNamePatterns),
        },
      });
      props.onSaved();
    } catch (e) {
      setError(e as { code: string; message: string });
    }
  }

  return (
    <>
      {error && <ErrorBanner error={error} />}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h3>Survivorship</h3>
        <div className="merge-settings-grid">
          <label htmlFor="ms-survivor">Survivor</label>
          <select
            id="ms-survivor"
            value={s.survivor}
            onChange={(e) => setS({ ...s, survivor: e.target.value as SurvivorshipSettings['survivor'] })}
          >
            {SURVIVOR_RULES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
          <label htmlFor="ms-default">Default value rule</label>
          <select
            id="ms-default"
            value={s.defaultFieldRule}
            onChange={(e) =>
              setS({ ...s, defaultFieldRule: e.target.value as SurvivorshipSettings['defaultFieldRule'] })
            }
          >
            {FIELD_RULES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
          {Object.entries(SINGLE_FIELD_LABELS).map(([field, label]) => (
            <FieldRule key={field} field={field} label={label} s={s} setS={setS} />
          ))}
          <label htmlFor="ms-optout">Opt-out wins</label>
          <input
            id="ms-optout"
            type="checkbox"
            checked={s.optOutWins}
            onChange={(e) => setS({ ...s, optOutWins: e.target.checked })}
          />
          <label htmlFor="ms-loser">Without a CRM merge, the duplicate is</label>
          <select
            id="ms-loser"
            value={s.manualLoserAction}
            onChange={(e) => setS({ ...s, manualLoserAction: e.target.value as 'delete' | 'archive' })}
          >
            <option value="delete">deleted</option>
            <option value="archive">tagged and kept (archive)</option>
          </select>
          <label htmlFor="ms-archive">Archive tag id</label>
          <input
            id="ms-archive"
            value={s.archiveTagId ?? ''}
            onChange={(e) => setS({ ...s, archiveTagId: e.target.value.trim() || null })}
          />
        </div>
        <h3>Access and automation tags</h3>
        <p className="muted">Comma-separated. Names match when they contain a pattern (case-insensitive).</p>
        <div className="merge-settings-grid">
          {(
            [
              ['accessCategories', 'Categories that grant access'],
              ['accessNamePatterns', 'Names that grant access'],
              ['revokeNamePatterns', 'Names that revoke or cancel'],
              ['automationCategories', 'Categories that start automations'],
              ['automationNamePatterns', 'Names that start automations'],
            ] as const
          ).map(([key, label]) => (
            <div key={key} style={{ display: 'contents' }}>
              <label htmlFor={`ms-${key}`}>{label}</label>
              <input
                id={`ms-${key}`}
                value={a[key]}
                onChange={(e) => setA({ ...a, [key]: e.target.value })}
              />
            </div>
          ))}
        </div>
        <div className="review-actions">
          <button type="submit" className="primary">
            Save merge settings
          </button>
        </div>
      </form>
    </>
  );
}

function FieldRule(props: {
  field: string;
  label: string;
  s: SurvivorshipSettings;
  setS: (s: SurvivorshipSettings) => void;
}) {
  const { s, field } = props;
  const value = (s.fieldRules as Record<string, string | undefined>)[field] ?? '';
  return (
    <>
      <label htmlFor={`ms-rule-${field}`}>{props.label}</label>
      <select
        id={`ms-rule-${field}`}
        value={value}
        onChange={(e) => {
          const next = { ...(s.fieldRules as Record<string, string>) };
          if (e.target.value) next[field] = e.target.value;
          else delete next[field];
          props.setS({ ...s, fieldRules: next as SurvivorshipSettings['fieldRules'] });
        }}
      >
        <option value="">Default</option>
        {FIELD_RULES.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </>
  );
}
