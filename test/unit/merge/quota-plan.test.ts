import { describe, expect, it } from 'vitest';
import { currentQuota, forecast } from '../../../app/merge/quota-plan';
import type { CrmQuota } from '../../../app/ports/crm';

const MIDNIGHT = Date.UTC(2026, 11, 2);
const quota = (availableToday: number | null): CrmQuota => ({
  perMinute: 240,
  perDay: 30_000,
  availableToday,
  resetsAt: MIDNIGHT,
});

describe('the batch quota planner', () => {
  it('counts the groups that fit in what is left today, never splitting one across the reset', () => {
    const f = forecast([4, 4, 5, 4], quota(12), MIDNIGHT - 3_600_000);
    expect(f.fitsToday).toBe(2);
    expect(f.requests).toBe(17);
    expect(f.message).toBe("2 groups fit in today's quota; the rest continue after 00:00 UTC.");
    // An hour to the reset, then the 9 remaining requests at 4 a second.
    expect(f.etaSeconds).toBe(3600 + Math.ceil(9 / 4));
  });

  it('says so when everything fits, with the time at the connection’s pace', () => {
    const f = forecast(new Array<number>(412).fill(5), quota(29_000), MIDNIGHT - 86_000_000);
    expect(f.fitsToday).toBe(412);
    expect(f.message).toBe("All 412 groups fit in today's quota (about 2,060 requests of 29,000 left).");
    expect(f.etaSeconds).toBe(515);
  });

  it('spreads a cleanup larger than a day over several resets', () => {
    const f = forecast(new Array<number>(7000).fill(5), quota(0), MIDNIGHT - 1000);
    expect(f.fitsToday).toBe(0);
    // 6,000 groups (30,000 requests) the first day after the reset, the other 1,000 the day after.
    expect(f.etaSeconds).toBe(1 + 86_400 + Math.ceil(5000 / 4));
  });

  it('uses the pace the batch measured when there is one', () => {
    expect(forecast([10, 10], quota(100), MIDNIGHT - 86_000_000, 2).etaSeconds).toBe(10);
  });

  it('after the reset the last figures describe yesterday: the whole daily quota is back', () => {
    expect(currentQuota(quota(0), MIDNIGHT + 5)).toMatchObject({
      availableToday: 30_000,
      resetsAt: MIDNIGHT + 86_400_000,
    });
    expect(currentQuota(quota(7), MIDNIGHT - 5)).toMatchObject({ availableToday: 7 });
  });

  it('without any figure from the CRM it plans with the budget and says the quota is unknown', () => {
    const f = forecast([4, 4], null, MIDNIGHT);
    expect(f.fitsToday).toBe(2);
    expect(f.etaSeconds).toBeNull();
    expect(f.message).toContain('has not reported its daily quota');
  });
});
