import type { GroupMemberships } from '../../../../app/api/contract';

/**
 * The default the core applies too: the automations a duplicate is in and the survivor is not, because a manual
 * merge does not carry automation membership.
 */
export function defaultAutomations(m: GroupMemberships, survivorId: string): string[] {
  const survivorIn = new Set((m.records[survivorId]?.automations ?? []).map((a) => a.automationId));
  const fromDuplicates = Object.entries(m.records)
    .filter(([id]) => id !== survivorId)
    .flatMap(([, r]) => r.automations.map((a) => a.automationId));
  return [...new Set(fromDuplicates)].filter((id) => !survivorIn.has(id));
}

function emailWords(a: GroupMemberships['automations'][number]): string {
  if (!a.active) return 'switched off: sends nothing';
  if (a.sendsEmail === false) return 'sends no emails';
  // ActiveCampaign's API does not say what an automation's steps do: an active one may email at once.
  return 'may send emails';
}

/** The CRM's automations by name; the ticked ones are those the survivor joins after the merge. */
export function AutomationPicker(props: {
  readonly memberships: GroupMemberships;
  readonly survivorId: string;
  readonly value: readonly string[] | undefined;
  readonly onChange: (ids: readonly string[]) => void;
}) {
  const m = props.memberships;
  const picked = props.value ?? defaultAutomations(m, props.survivorId);
  const survivorIn = new Set((m.records[props.survivorId]?.automations ?? []).map((a) => a.automationId));
  const duplicateIn = new Set(
    Object.entries(m.records)
      .filter(([id]) => id !== props.survivorId)
      .flatMap(([, r]) => r.automations.map((a) => a.automationId)),
  );
  const automations = [...m.automations].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <fieldset className="automation-picker">
      <legend>Automations the survivor joins</legend>
      <p className="muted">
        Ticked by default: those a duplicate is in and the survivor is not. Adding a contact to an automation
        may send its emails at once.
      </p>
      {automations.map((a) => {
        const already = survivorIn.has(a.id);
        return (
          <label key={a.id} className="tag-option">
            <input
              type="checkbox"
              checked={already || picked.includes(a.id)}
              disabled={already}
              onChange={(e) =>
                props.onChange(e.target.checked ? [...picked, a.id] : picked.filter((id) => id !== a.id))
              }
            />{' '}
            {a.name}
            {already && <span className="badge">the survivor is in it already</span>}
            {!already && duplicateIn.has(a.id) && <span className="badge new">a duplicate is in it</span>}
            <span className={`badge ${a.active && a.sendsEmail !== false ? 'automation' : ''}`}>
              {emailWords(a)}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
