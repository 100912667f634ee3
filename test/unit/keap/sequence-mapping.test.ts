import { describe, expect, it } from 'vitest';
import { MalformedRecordError, toCrmCampaign, toCrmSequence } from '../../../app/connectors/keap/mapping';

const campaign = { id: '11', name: 'New member onboarding' };

describe('Keap campaign sequences as the review offers them', () => {
  it("says a sequence sends email when one of its paths' items is an email of any kind", () => {
    const seq = (types: string[]) =>
      toCrmSequence(
        { id: 111, name: 'Welcome', paths: [{ id: 1, items: types.map((type, i) => ({ id: i, type })) }] },
        campaign,
      );
    expect(seq(['DelayTimer', 'Email']).sendsEmail).toBe(true);
    expect(seq(['UnlayerEmailConfirm']).sendsEmail).toBe(true);
    expect(seq(['Tag', 'DelayTimer', 'Task']).sendsEmail).toBe(false);
    expect(seq(['Tag'])).toEqual({
      campaignId: '11',
      campaignName: 'New member onboarding',
      sequenceId: '111',
      name: 'Welcome',
      sendsEmail: false,
    });
  });

  it('says nothing about email when Keap lists no steps, and names a nameless sequence by its id', () => {
    expect(toCrmSequence({ id: '7' }, campaign)).toMatchObject({ name: 'Sequence 7', sendsEmail: null });
    expect(toCrmSequence({ id: '7', paths: [] }, campaign).sendsEmail).toBeNull();
  });

  it('rejects a sequence or campaign without an id as malformed', () => {
    expect(() => toCrmSequence({ name: 'x' }, campaign)).toThrow(MalformedRecordError);
    expect(() => toCrmCampaign({ name: 'x' })).toThrow(MalformedRecordError);
    expect(toCrmCampaign({ id: 12 })).toEqual({ id: '12', name: 'Campaign 12' });
  });
});
