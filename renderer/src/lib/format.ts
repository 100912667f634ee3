/**
 * The one place the UI turns dates and counts into words, so every screen says them the same way in the reader's
 * locale.
 */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const rules = new Intl.PluralRules(undefined);

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A moment: "1 Dec 2026, 10:55". */
export function formatDateTime(iso: string | null | undefined, empty = '—'): string {
  const d = parse(iso);
  return d ? dateTime.format(d) : (iso ?? empty);
}

/** A day: "1 Dec 2026". */
export function formatDate(iso: string | null | undefined, empty = '—'): string {
  const d = parse(iso);
  return d ? dateOnly.format(d) : (iso ?? empty);
}

/**
 * "1 comparison", "3 comparisons". `many` defaults to `one` + "s"; irregular words give both forms.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${pluralWord(n, one, many)}`;
}

/** The word alone, for a count shown apart from it (a figure in its own element): "group" or "groups". */
export function pluralWord(n: number, one: string, many = `${one}s`): string {
  return rules.select(n) === 'one' ? one : many;
}

/** "a Keap account", "an ActiveCampaign account": the article a name takes when it is read aloud (by its vowel). */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** "about 2 min", "40 s": an estimate, rounded the way people say it. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, 'minute')}`;
  const hours = Math.floor(minutes / 60);
  return `about ${plural(hours, 'hour')} ${minutes % 60 ? plural(minutes % 60, 'minute') : ''}`.trim();
}
