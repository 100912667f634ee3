import { describe, expect, it } from 'vitest';
import {
  defaultAutomationIds,
  nameSequences,
  planExtras,
  type GroupMemberships,
} from '../../../app/merge/crm-extras';
import { isAppError } from '../../../app/domain/errors';
import type { CrmSequence } from '../../../app/ports/crm';

const memberships: GroupMemberships = {
  lists: [
    { id: '1', name: 'Newsletter' },
    { id: '2', name: 'Customers' },
    { id: '3', name: 'Product updates' },
  ],
  automations: [
    { id: '1', name: 'Welcome series', active: true, sendsEmail: null },
    { id: '2', name: 'Course onboarding', active: true, sendsEmail: null },
    { id: '3', name: 'Win-back', active: false, sendsEmail: null },
  ],
  records: {
    a: {
      lists: [
        { listId: '1', status: 'unsubscribed' },
        { listId: '3', status: 'active' },
      ],
      automations: [{ automationId: '1', status: 'active' }],
    },
    b: {
      lists: [
        { listId: '1', status: 'active' },
        { listId: '2', status: 'active' },
      ],
      automations: [
        { automationId: '1', status: 'completed' },
        { automationId: '2', status: 'active' },
      ],
    },
  },
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the automations and lists a manual merge carries over', () => {
  it('defaults to the automations a duplicate is in and the survivor is not', () => {
    expect(defaultAutomationIds(memberships, 'a', ['b'])).toEqual(['2']);
    expect(defaultAutomationIds(memberships, 'b', ['a'])).toEqual([]);
    expect(planExtras(memberships, 'a', ['b'], undefined, false).automations.map((x) => x.name)).toEqual([
      'Course onboarding',
    ]);
  });

  it('adds exactly the automations picked, by name, leaving out one the survivor is already in', () => {
    const extras = planExtras(memberships, 'a', ['b'], ['3', '1'], false);
    expect(extras.automations).toEqual([{ id: '3', name: 'Win-back', active: false, sendsEmail: null }]);
    expect(planExtras(memberships, 'a', ['b'], [], false).automations).toEqual([]);
  });

  it('refuses an automation id the CRM did not list, naming none of its internals to the person', () => {
    const error = thrown(() => planExtras(memberships, 'a', ['b'], ['2', '99'], false));
    expect(isAppError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toContain("not in the CRM's list of automations");
    expect((error as { details?: unknown }).details).toEqual({ automationIds: ['99'] });
  });

  it('names every list the survivor ends on: those it gains or keeps unsubscribed, and its own untouched ones', () => {
    const extras = planExtras(memberships, 'a', ['b'], undefined, false);
    expect(extras.lists).toEqual([
      expect.objectContaining({ listId: '1', name: 'Newsletter', status: 'unsubscribed' }),
      expect.objectContaining({ listId: '2', name: 'Customers', status: 'active' }),
    ]);
    expect(extras.keptLists).toEqual([{ listId: '3', name: 'Product updates', status: 'active' }]);
  });
});

describe('sequences picked by name', () => {
  const offered: CrmSequence[] = [
    {
      campaignId: '11',
      campaignName: 'Onboarding',
      sequenceId: '111',
      name: 'Welcome emails',
      sendsEmail: true,
    },
    {
      campaignId: '11',
      campaignName: 'Onboarding',
      sequenceId: '112',
      name: 'Course tags',
      sendsEmail: false,
    },
    {
      campaignId: '12',
      campaignName: 'Renewals',
      sequenceId: '121',
      name: 'Card expiring',
      sendsEmail: true,
    },
  ];

  it("takes its names and campaign from the CRM's own list", () => {
    expect(nameSequences([{ campaignId: '11', sequenceId: '112' }], offered)).toEqual([
      {
        campaignId: '11',
        sequenceId: '112',
        name: 'Course tags',
        campaignName: 'Onboarding',
        sendsEmail: false,
      },
    ]);
    // Without a campaign the sequence id alone finds it, and the plan then knows its campaign.
    expect(nameSequences([{ sequenceId: '121' }], offered)[0]).toMatchObject({
      campaignId: '12',
      name: 'Card expiring',
    });
  });

  it('refuses a sequence the CRM does not offer, or one under another campaign', () => {
    for (const picked of [
      { campaignId: '11', sequenceId: '999' },
      { campaignId: '12', sequenceId: '111' },
    ]) {
      const error = thrown(() => nameSequences([picked], offered));
      expect(isAppError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as Error).message).toContain("not among the CRM's campaign sequences");
    }
  });
});
