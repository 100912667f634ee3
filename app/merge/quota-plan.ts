import type { CrmClient, CrmQuota } from '../ports/crm';
import type { MergePlan } from './types';
import { plural } from '../domain/words';

/**
 * Requests a plan will spend against the CRM's quota when nothing goes wrong, following the executor's steps: the
 * group read before and after (one request where the CRM reads several contacts at once with their tags), a field
 * write, one request per tag, the CRM merges or the manual strategy's per-record work, and sequence adds.
 */
export function estimateRequests(
  plan: MergePlan,
  crm: Pick<CrmClient, 'capabilities' | 'getContacts'>,
): number {
  const records = 1 + plan.loserIds.length;
  const read = crm.getContacts
    ? crm.capabilities.tagsOnContact
      ? 1
      : 1 + records
    : records * (crm.capabilities.tagsOnContact ? 1 : 2);
  const fields = Object.keys(plan.patch).length > 0 ? 1 : 0;
  const tags = plan.tagsToApply.length + (plan.tagsToRemove?.length ?? 0);
  const sequences = plan.sequences.length;
  if (plan.strategy === 'native') return read + fields + tags + plan.loserIds.length + sequences + read;
  // Manual: orders and subscriptions are listed per record before and for the survivor after; each loser is
  // deleted or tagged.
  return read + 2 * records + fields + tags + sequences + plan.loserIds.length + read + 2;
}

export interface QuotaForecast {
  /** How many of the groups, in order, fit in what is left of today's quota. */
  readonly fitsToday: number;
  readonly requests: number;
  /** Seconds until the last group is done at the connection's rate, waits for the daily reset included. */
  readonly etaSeconds: number | null;
  /** In words, e.g. "412 groups fit in today's quota; the rest continue after 00:00 UTC". */
  readonly message: string;
}

const DAY_MS = 86_400_000;

/**
 * Which groups fit in the day's remaining quota and when the whole batch will be done. A group is never split
 * across the reset: one that does not fit in what is left waits for the next day with everything after it.
 */
export function forecast(
  needs: readonly number[],
  quota: CrmQuota | null,
  nowMs: number,
  /** Requests a second the batch has actually sustained; the connection's per-minute budget otherwise. */
  measuredRate?: number | null,
): QuotaForecast {
  const requests = needs.reduce((a, b) => a + b, 0);
  const rate =
    measuredRate && measuredRate > 0 ? measuredRate : quota?.perMinute ? quota.perMinute / 60 : null;
  const resetsAt = quota?.resetsAt ?? nextUtcMidnight(nowMs);
  const available = quota ? (quota.availableToday ?? quota.perDay) : null;
  if (available === null) {
    return {
      fitsToday: needs.length,
      requests,
      etaSeconds: rate ? Math.ceil(requests / rate) : null,
      message: `${plural(needs.length, 'group')} to merge, about ${plural(requests, 'request')}; the CRM has not reported its daily quota yet.`,
    };
  }
  let left = available;
  let fitsToday = 0;
  for (const n of needs) {
    if (n > left) break;
    left -= n;
    fitsToday++;
  }
  const todayRequests = needs.slice(0, fitsToday).reduce((a, b) => a + b, 0);
  let eta: number | null = rate ? todayRequests / rate : null;
  if (fitsToday < needs.length && eta !== null) {
    // Later days start at a reset with the whole daily quota.
    const perDay = quota?.perDay ?? available;
    let dayLeft = 0;
    let day = 0;
    let dayRequests = 0;
    eta = (resetsAt - nowMs) / 1000;
    for (const n of needs.slice(fitsToday)) {
      if (n > dayLeft) {
        if (day > 0) eta = (resetsAt - nowMs + day * DAY_MS) / 1000;
        day++;
        dayLeft = perDay;
        dayRequests = 0;
      }
      dayLeft -= n;
      dayRequests += n;
    }
    eta += dayRequests / rate!;
  }
  const reset = `${new Date(resetsAt).toISOString().slice(11, 16)} UTC`;
  const message =
    fitsToday === needs.length
      ? `All ${plural(needs.length, 'group')} fit in today's quota (about ${plural(requests, 'request')} of ${available.toLocaleString('en-US')} left).`
      : `${plural(fitsToday, 'group')} fit in today's quota; the rest continue after ${reset}.`;
  return { fitsToday, requests, etaSeconds: eta === null ? null : Math.ceil(eta), message };
}

export function nextUtcMidnight(nowMs: number): number {
  return (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS;
}

/**
 * The quota as it stands now: once the reset time has passed, the last figures the CRM sent describe yesterday,
 * so the whole daily quota is available again.
 */
export function currentQuota(quota: CrmQuota | null, nowMs: number): CrmQuota | null {
  if (!quota) return null;
  if (quota.resetsAt !== null && nowMs >= quota.resetsAt) {
    return { ...quota, availableToday: quota.perDay, resetsAt: nextUtcMidnight(nowMs) };
  }
  return quota;
}
