import type { DetectLane } from '../../../../app/api/contract';

export const LANE_LABELS: Record<DetectLane, string> = {
  safe: 'Safe',
  needs_choice: 'Needs a choice',
  maybe_two_people: 'Maybe two people',
};

export const LANE_HINTS: Record<DetectLane, string> = {
  safe: 'Strong evidence and no conflicting values: can be merged in a batch.',
  needs_choice: 'Same person, but some single values differ: pick which to keep.',
  maybe_two_people: 'Shared email or phone but different names, birthdays or Jr./Sr.: check before merging.',
};

export const percent = (score: number): string =>
  `${(score * 100).toFixed(score >= 0.995 && score < 1 ? 1 : 0)}%`;
