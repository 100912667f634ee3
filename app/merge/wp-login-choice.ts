/** What the choice of the WordPress login to keep needs to know about each login. */
export interface LoginFacts {
  readonly login: string;
  readonly lastLoginAt: string | null;
  readonly progress: Readonly<Record<string, unknown>>;
}

const words = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();

/** How much course progress a login holds: the sum of its counted figures (lessons, modules, points…). */
export function progressAmount(progress: Readonly<Record<string, unknown>>): number {
  let sum = 0;
  for (const v of Object.values(progress)) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : 0;
    if (Number.isFinite(n) && n > 0) sum += n;
  }
  return sum;
}

/** "22 lessons completed": the counted figures in words; dates and flags are left to the other facts. */
export function describeProgress(progress: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(progress)
    .filter(([, v]) => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)))
    .map(([k, v]) => `${String(v)} ${words(k)}`);
  return parts.length ? parts.join(', ') : 'no course progress';
}

const loginTime = (l: LoginFacts) => (l.lastLoginAt ? Date.parse(l.lastLoginAt) || 0 : 0);

/**
 * Orders logins best first: the most course progress, then the latest login. Returns the ordered list and the
 * reason for the first, with the figures that decided it.
 */
export function rankLogins<T extends LoginFacts>(logins: readonly T[]): { ranked: T[]; reason: string } {
  const ranked = [...logins].sort(
    (a, b) => progressAmount(b.progress) - progressAmount(a.progress) || loginTime(b) - loginTime(a),
  );
  const keep = ranked[0];
  if (!keep) return { ranked, reason: 'No WordPress user is linked to these records' };
  const others = ranked.slice(1);
  const figures = (l: LoginFacts) =>
    `${describeProgress(l.progress)}, last login ${l.lastLoginAt ? l.lastLoginAt.slice(0, 10) : 'never'}`;
  const versus = others.length ? `; ${others.map((o) => `${o.login}: ${figures(o)}`).join('; ')}` : '';
  const why =
    others.length === 0
      ? 'the only login'
      : progressAmount(keep.progress) > progressAmount(others[0]!.progress)
        ? 'it holds the most course progress'
        : progressAmount(keep.progress) > 0 || loginTime(keep) > loginTime(others[0]!)
          ? 'equal progress, and the latest login'
          : 'no login holds progress or a recent login';
  return { ranked, reason: `Keeps ${keep.login}: ${why} (${figures(keep)}${versus})` };
}
