import type { ConnectionQuota } from '../../../../app/api/contract';
import { formatDateTime } from '../../lib/format';

/** "1,500 a minute · 150,000 a day · 149,990 left today (until 2 Dec 2026, 01:00)". */
export function describeQuota(q: ConnectionQuota): string {
  const parts: string[] = [];
  if (q.perMinute !== null) parts.push(`${q.perMinute.toLocaleString()} a minute`);
  if (q.perDay !== null) parts.push(`${q.perDay.toLocaleString()} a day`);
  if (q.availableToday !== null) {
    parts.push(
      `${q.availableToday.toLocaleString()} left today${q.resetsAt ? ` (until ${formatDateTime(q.resetsAt)})` : ''}`,
    );
  }
  return parts.length > 0 ? parts.join(' · ') : 'not stated by the CRM';
}

/** The names connectors give the facts a connection test reports, in people's words. */
const DETAIL_LABELS: Readonly<Record<string, string>> = {
  baseUrl: 'API URL',
  tenantId: 'App',
  businessName: 'Business',
  dailyQuota: "Today's quota",
  throttle: 'Rate limit',
};

/** An unknown fact name ("contactCount") as words ("Contact count"). */
function words(key: string): string {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

export function describeTestDetails(details: Readonly<Record<string, string>>): string {
  return Object.entries(details)
    .map(([k, v]) => `${DETAIL_LABELS[k] ?? words(k)}: ${v}`)
    .join(' · ');
}
