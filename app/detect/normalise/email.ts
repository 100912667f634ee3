export interface NormalisedEmail {
  /** Trimmed, lower-cased: the exact key. */
  readonly exact: string;
  /** Plus-tag dropped everywhere, dots dropped on Gmail: a separate, weaker signal, never an equality. */
  readonly folded: string;
  readonly local: string;
  readonly domain: string;
}

const GMAIL = new Set(['gmail.com', 'googlemail.com']);
/** Local parts that name a role, not a person: sharing one says little. */
const ROLE_LOCALS = new Set([
  'info',
  'admin',
  'office',
  'contact',
  'sales',
  'support',
  'hello',
  'mail',
  'email',
  'noreply',
  'no-reply',
  'test',
  'accounts',
  'billing',
  'team',
  'enquiries',
  'inquiries',
]);

export function normaliseEmail(raw: string | null | undefined): NormalisedEmail | null {
  if (!raw) return null;
  let s = raw.trim().toLowerCase();
  if (s.startsWith('mailto:')) s = s.slice(7);
  s = s.replace(/^<|>$/g, '');
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1 || /\s/.test(s)) return null;
  const local = s.slice(0, at);
  let domain = s.slice(at + 1);
  let foldedLocal = local;
  const plus = foldedLocal.indexOf('+');
  if (plus > 0) foldedLocal = foldedLocal.slice(0, plus);
  if (GMAIL.has(domain)) {
    domain = 'gmail.com';
    foldedLocal = foldedLocal.replace(/\./g, '');
  }
  // Most addresses fold to themselves: no second copy of the string then.
  const folded =
    foldedLocal === local && domain.length === s.length - at - 1 ? s : `${foldedLocal}@${domain}`;
  return { exact: s, folded, local: foldedLocal, domain };
}

export function isRoleLocal(local: string): boolean {
  return ROLE_LOCALS.has(local);
}
