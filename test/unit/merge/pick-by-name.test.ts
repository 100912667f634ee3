import { describe, expect, it } from 'vitest';
import { pickAutomations, pickSequences } from '../../../app/merge/pick-by-name';
import { isAppError } from '../../../app/domain/errors';

const automations = [
  { id: '1', name: 'Welcome series', active: true, sendsEmail: true },
  { id: '2', name: 'Course onboarding', active: true, sendsEmail: true },
  { id: '3', name: 'Course onboarding', active: false, sendsEmail: null },
];
const sequences = [
  {
    campaignId: '10',
    campaignName: 'New member onboarding',
    sequenceId: '101',
    name: 'Welcome emails',
    sendsEmail: true,
  },
  { campaignId: '11', campaignName: 'Win back', sequenceId: '111', name: 'Welcome emails', sendsEmail: true },
  {
    campaignId: '12',
    campaignName: 'Renewal reminders',
    sequenceId: '121',
    name: 'Card expiring soon',
    sendsEmail: true,
  },
];

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (isAppError(error, 'INVALID_INPUT')) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('automations and sequences typed by name', () => {
  it('matches an automation by id or by name regardless of case, once each', () => {
    expect(pickAutomations(['welcome SERIES', '1', '2'], automations)).toEqual(['1', '2']);
  });

  it('refuses a name two automations share, and an unknown one with what is offered', () => {
    expect(refusal(() => pickAutomations(['Course onboarding'], automations))).toContain('ids 2, 3');
    expect(refusal(() => pickAutomations(['Black Friday'], automations))).toContain(
      'The CRM offers "Welcome series", "Course onboarding", "Course onboarding"',
    );
    expect(refusal(() => pickAutomations(['Welcome series'], []))).toContain('lists no automation');
  });

  it('matches a sequence by name, by "Campaign / Sequence" when two share a name, or by id', () => {
    expect(pickSequences(['card expiring soon', '121'], sequences)).toEqual([
      { campaignId: '12', sequenceId: '121' },
    ]);
    expect(pickSequences(['Win back / Welcome emails'], sequences)).toEqual([
      { campaignId: '11', sequenceId: '111' },
    ]);
    expect(refusal(() => pickSequences(['Welcome emails'], sequences))).toContain(
      '"New member onboarding / Welcome emails", "Win back / Welcome emails"',
    );
    expect(refusal(() => pickSequences(['We miss you'], sequences))).toContain('No sequence is called');
  });
});
