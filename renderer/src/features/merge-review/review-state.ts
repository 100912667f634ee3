import type { Input, MultiFieldRow, SingleFieldRow } from '../../../../app/api/contract';

export type Choices = NonNullable<Input<'merge/plan'>['choices']>;
export type SingleField = SingleFieldRow['field'];
export type MultiField = MultiFieldRow['field'];
export type Sequence = { readonly campaignId: string; readonly sequenceId: string };

/** Everything the reviewer decided on top of the defaults the core proposed. */
export interface ReviewState {
  readonly survivorId: string | undefined;
  readonly fieldPicks: Readonly<Partial<Record<SingleField, string>>>;
  readonly multi: Readonly<Partial<Record<MultiField, readonly string[]>>>;
  readonly skipTagIds: readonly string[];
  readonly keepWpId: number | null | undefined;
  readonly sequences: readonly Sequence[];
  /** The automations the survivor joins; undefined keeps the default (the duplicates' that it is not in). */
  readonly automationIds: readonly string[] | undefined;
  readonly showIdentical: boolean;
  readonly planOpen: boolean;
  /** The reviewer confirmed that records which may be two people are one. */
  readonly samePerson: boolean;
}

export type ReviewAction =
  | { type: 'survivor'; contactId: string | undefined }
  | { type: 'pick'; field: SingleField; contactId: string }
  | { type: 'multi'; field: MultiField; keys: readonly string[] }
  | { type: 'skipTags'; ids: readonly string[] }
  | { type: 'keepWp'; wpId: number | null }
  | { type: 'sequences'; sequences: readonly Sequence[] }
  | { type: 'automations'; ids: readonly string[] }
  | { type: 'toggleIdentical' }
  | { type: 'plan'; open: boolean }
  | { type: 'samePerson'; confirmed: boolean };

export const initialReview: ReviewState = {
  survivorId: undefined,
  fieldPicks: {},
  multi: {},
  skipTagIds: [],
  keepWpId: undefined,
  sequences: [],
  automationIds: undefined,
  showIdentical: false,
  planOpen: false,
  samePerson: false,
};

export function reviewReducer(state: ReviewState, action: ReviewAction): ReviewState {
  switch (action.type) {
    case 'survivor':
      // Picks were relative to the old survivor's columns (and its automations): start again from the defaults.
      return { ...state, survivorId: action.contactId, fieldPicks: {}, automationIds: undefined };
    case 'pick':
      return { ...state, fieldPicks: { ...state.fieldPicks, [action.field]: action.contactId } };
    case 'multi':
      return { ...state, multi: { ...state.multi, [action.field]: action.keys } };
    case 'skipTags':
      return { ...state, skipTagIds: action.ids };
    case 'keepWp':
      return { ...state, keepWpId: action.wpId };
    case 'sequences':
      return { ...state, sequences: action.sequences };
    case 'automations':
      return { ...state, automationIds: action.ids };
    case 'toggleIdentical':
      return { ...state, showIdentical: !state.showIdentical };
    case 'plan':
      return { ...state, planOpen: action.open };
    case 'samePerson':
      return { ...state, samePerson: action.confirmed };
  }
}

/** The choices the contract takes, from the state and the survivor the review model settled on. */
export function choicesOf(state: ReviewState, survivorId: string | undefined): Choices {
  const fields: Record<string, { from: string }> = {};
  for (const [k, v] of Object.entries(state.fieldPicks)) if (v) fields[k] = { from: v };
  return {
    ...(survivorId ? { survivorId } : {}),
    ...(Object.keys(fields).length ? { fields } : {}),
    ...(Object.keys(state.multi).length
      ? { multi: Object.fromEntries(Object.entries(state.multi).map(([k, v]) => [k, [...(v ?? [])]])) }
      : {}),
    ...(state.skipTagIds.length ? { skipTagIds: [...state.skipTagIds] } : {}),
    ...(state.keepWpId !== undefined ? { keepWpId: state.keepWpId } : {}),
    ...(state.sequences.length ? { sequences: state.sequences.map((s) => ({ ...s })) } : {}),
    ...(state.automationIds !== undefined ? { automationIds: [...state.automationIds] } : {}),
  };
}
