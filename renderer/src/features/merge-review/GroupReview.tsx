import { useEffect, useReducer, useRef, useState } from 'react';
import './merge-review.css';
import { useApi, useQuery } from '../../lib/api-context';
import { isTypingTarget, useScreenShortcuts } from '../../lib/shortcuts';
import { EmptyState, ErrorBanner, Loading } from '../../components/states';
import type { RunDetail } from '../../../../app/api/contract';
import { LANE_LABELS } from '../detect/labels';
import { plural } from '../../lib/format';
import { PlanDialog } from './PlanDialog';
import { ReviewGrid } from './ReviewGrid';
import {
  AccessPreview,
  ReturnedToReview,
  ReviewTags,
  TwoPeople,
  Warnings,
  WordPressLogins,
} from './ReviewSections';
import { SequencePicker } from './SequencePicker';
import { choicesOf, initialReview, reviewReducer } from './review-state';
import { CrmMemberships } from './CrmMemberships';

export type ReviewOutcome =
  | { readonly kind: 'merged'; readonly detail: RunDetail }
  | { readonly kind: 'dismiss'; readonly names: string }
  | { readonly kind: 'dismissed' }
  | { readonly kind: 'skipped' };

const REVIEW_KEYS = {
  title: 'Review',
  shortcuts: [
    { keys: ['m'], description: 'Merge: open the plan preview' },
    { keys: ['n'], description: 'Not a duplicate, then the next group (with Undo)' },
    { keys: ['s'], description: 'Skip to the next group' },
    { keys: ['1–9'], description: 'Make record 1–9 the survivor' },
    { keys: ['Shift', '1–9'], description: 'Remove record 1–9 from the group' },
    { keys: ['i'], description: 'Show or hide identical rows' },
    { keys: ['Esc'], description: 'Back to the queue' },
  ],
};

const LANE_NAMES: Record<string, string> = LANE_LABELS;

/** CiviCRM-style side-by-side review of one duplicate group, survivor first. */
export function GroupReview(props: { groupId: number; onDone?: (outcome: ReviewOutcome) => void }) {
  const api = useApi();
  const [state, dispatch] = useReducer(reviewReducer, initialReview);
  const review = useQuery('merge/review', {
    groupId: props.groupId,
    ...(state.survivorId ? { survivorId: state.survivorId } : {}),
    ...(state.skipTagIds.length ? { skipTagIds: [...state.skipTagIds] } : {}),
  });
  const [actionError, setActionError] = useState<{ code: string; message: string } | null>(null);
  const model = review.data;
  const choices = choicesOf(state, model?.survivorId);
  useScreenShortcuts(REVIEW_KEYS);

  const names = model ? [...new Set(model.records.map((r) => r.displayName))].join(', ') : '';
  const actions = {
    notDuplicate: () => props.onDone?.({ kind: 'dismiss', names }),
    skip: () => props.onDone?.({ kind: 'skipped' }),
    async remove(crmId: string) {
      try {
        const r = await api.call('groups/remove-member', { id: props.groupId, crmId });
        if (r.status !== 'open') props.onDone?.({ kind: 'dismissed' });
        else {
          dispatch({ type: 'survivor', contactId: undefined });
          review.reload();
        }
      } catch (e) {
        setActionError(e as { code: string; message: string });
      }
    },
  };

  // One key handler for the life of the review; it reads the latest state through a ref.
  const latest = useRef({ model, state, actions });
  useEffect(() => {
    latest.current = { model, state, actions };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const { model: m, state: s, actions: a } = latest.current;
      if (e.defaultPrevented || isTypingTarget(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      if (!m || s.planOpen || document.querySelector('[aria-modal="true"]')) return;
      const digit = /^Digit([1-9])$/.exec(e.code);
      if (digit) {
        const rec = m.records[Number(digit[1]) - 1];
        if (!rec) return;
        e.preventDefault();
        if (e.shiftKey) void a.remove(rec.contactId);
        else dispatch({ type: 'survivor', contactId: rec.contactId });
        return;
      }
      const key = e.key.toLowerCase();
      if (key === 'm') {
        e.preventDefault();
        dispatch({ type: 'plan', open: true });
      } else if (key === 'n') {
        e.preventDefault();
        a.notDuplicate();
      } else if (key === 's') {
        e.preventDefault();
        a.skip();
      } else if (key === 'i') {
        e.preventDefault();
        dispatch({ type: 'toggleIdentical' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (review.loading && !model) return <Loading label="Opening the group…" />;
  if (review.error && !model) return <ErrorBanner error={review.error} onRetry={review.reload} />;
  if (!model) return <EmptyState title="Nothing to review" />;

  return (
    <section aria-label={`Review group ${props.groupId}`} className="group-review">
      <TwoPeople model={model} confirmed={state.samePerson} dispatch={dispatch} />
      <div className="review-head">
        <h2>
          {plural(model.records.length, 'record')}
          {model.lane ? ` · ${LANE_NAMES[model.lane] ?? model.lane}` : ''}
        </h2>
        <p className="muted">
          {model.survivorReason}. Strategy:{' '}
          {model.strategy === 'native'
            ? 'CRM merge'
            : model.strategy === 'manual'
              ? 'manual (no CRM merge)'
              : 'unknown until the CRM is connected'}
          .
        </p>
      </div>
      <div className="review-actions toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => dispatch({ type: 'plan', open: true })}
          aria-keyshortcuts="M"
        >
          Merge…
        </button>
        <button type="button" onClick={actions.notDuplicate} aria-keyshortcuts="N">
          Not a duplicate
        </button>
        <button type="button" onClick={actions.skip} aria-keyshortcuts="S">
          Skip
        </button>
        <button
          type="button"
          onClick={() => dispatch({ type: 'toggleIdentical' })}
          aria-keyshortcuts="I"
          aria-pressed={state.showIdentical}
        >
          {state.showIdentical ? 'Hide identical rows' : 'Show identical rows'}
        </button>
      </div>
      {review.error && <ErrorBanner error={review.error} onRetry={review.reload} />}
      {actionError && <ErrorBanner error={actionError} />}
      <ReturnedToReview groupId={props.groupId} />
      <Warnings model={model} />
      {state.planOpen && (
        <PlanDialog
          groupId={props.groupId}
          choices={choices}
          onClose={() => dispatch({ type: 'plan', open: false })}
          onDone={(detail) => props.onDone?.({ kind: 'merged', detail })}
          confirmed={state.samePerson ? ['two_people'] : []}
        />
      )}
      <ReviewGrid
        model={model}
        state={state}
        dispatch={dispatch}
        onRemove={(id) => void actions.remove(id)}
      />
      <ReviewTags model={model} state={state} dispatch={dispatch} />
      <WordPressLogins
        model={model}
        keepWpId={state.keepWpId === undefined ? model.wordpress.keepWpId : state.keepWpId}
        dispatch={dispatch}
      />
      <AccessPreview model={model} />
      <CrmMemberships
        groupId={props.groupId}
        names={Object.fromEntries(model.records.map((r) => [r.contactId, r.displayName]))}
        survivorId={model.survivorId}
        automationIds={state.automationIds}
        onAutomationsChange={(ids) => dispatch({ type: 'automations', ids })}
      />
      <SequencePicker
        connectionId={model.connectionId}
        value={state.sequences}
        onChange={(sequences) => dispatch({ type: 'sequences', sequences })}
      />
    </section>
  );
}
