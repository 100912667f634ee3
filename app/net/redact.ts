import { AppError } from '../domain/errors';

export const REDACTED = '[redacted]';

/** Header names whose values are credentials, whatever the connector calls them. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|.*-?key|.*-?token|.*secret.*)$/i;
/** Form and query fields that carry credentials (OAuth token calls, API keys in a query). */
const SECRET_FIELD = /(token|secret|password|api_?key|^code$|^key$)/i;

/**
 * A credential written out by name in text a server sent back: `Authorization: Basic …` in a dumped request,
 * `"X-Keap-API-Key":"…"` in a JSON echo, `api_token=…` in a query string. The value ends at a quote, a line end
 * or a separator, so the rest of the text stays readable.
 */
const SECRET_PATTERN =
  /((?:proxy-)?authorization|cookie|[\w-]*[-_]key|[\w-]*[-_]token|api[-_]?token|api[-_]?key|client[-_]?secret|password)(\\?["']?\s*[:=]\s*\\?["']?)((?:bearer|basic|token)\s+)?([^\s"'\\,;}<>&)]+)/gi;

const MAX_SECRETS = 64;
/** Shorter values are never treated as secrets on their own: redacting "1" would shred every message. */
const MIN_SECRET_LENGTH = 6;

/**
 * Everything the HTTP layer sent that is a credential, and the forms a server may echo it back in (the exact value,
 * base64, URL-encoded, JSON with escaped slashes, the decoded user:password of a Basic header). One instance per
 * client: OAuth tokens rotate, so every value ever sent stays known.
 */
export class SecretRedactor {
  private readonly values = new Set<string>();
  private ordered: string[] = [];

  /** Adds the credential values among these headers. */
  addHeaders(headers: Readonly<Record<string, string | undefined>>): void {
    for (const [name, value] of Object.entries(headers))
      if (value && SECRET_HEADER.test(name)) this.addSecret(value);
  }

  /** Adds the credential values among form or query fields. */
  addFields(fields: Readonly<Record<string, unknown>> | undefined): void {
    if (!fields) return;
    for (const [name, value] of Object.entries(fields))
      if (typeof value === 'string' && SECRET_FIELD.test(name)) this.addSecret(value);
  }

  addSecret(raw: string): void {
    const value = raw.trim();
    if (value.length < MIN_SECRET_LENGTH) return;
    const forms = new Set<string>([value]);
    const scheme = /^(basic|bearer|token)\s+(.+)$/i.exec(value);
    if (scheme?.[2]) {
      const credential = scheme[2].trim();
      forms.add(credential);
      if (scheme[1]!.toLowerCase() === 'basic') {
        const decoded = Buffer.from(credential, 'base64').toString('utf8');
        if (/^[^\s:]*:.+$/.test(decoded)) {
          forms.add(decoded);
          forms.add(decoded.slice(decoded.indexOf(':') + 1));
        }
      }
    }
    for (const form of [...forms]) {
      forms.add(Buffer.from(form, 'utf8').toString('base64'));
      forms.add(encodeURIComponent(form));
      forms.add(form.replace(/\//g, '\\/'));
      forms.add(JSON.stringify(form).slice(1, -1));
    }
    let changed = false;
    for (const form of forms) {
      if (form.length < MIN_SECRET_LENGTH || this.values.has(form)) continue;
      this.values.add(form);
      changed = true;
    }
    if (!changed) return;
    // Longest first, so a value containing another is replaced whole.
    this.ordered = [...this.values].sort((a, b) => b.length - a.length).slice(0, MAX_SECRETS * 8);
  }

  /** Replaces every known credential value, and (with `patterns`) any credential written out by name. */
  text(input: string, patterns = true): string {
    let out = input;
    for (const secret of this.ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return patterns ? redactPatterns(out) : out;
  }

  /** A deep copy with every string redacted; depth-capped so a hostile body cannot blow the stack. */
  deep<T>(value: T, patterns = true, depth = 0): T {
    if (typeof value === 'string') return this.text(value, patterns) as T;
    if (typeof value !== 'object' || value === null || depth > 32) return value;
    if (Array.isArray(value)) return value.map((v: unknown) => this.deep(v, patterns, depth + 1)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = this.text(k, false);
      out[key] =
        SECRET_HEADER.test(k) && typeof v === 'string' ? REDACTED : this.deep(v, patterns, depth + 1);
    }
    return out as T;
  }

  /** The same error with its message and details redacted; anything not an AppError becomes one. */
  error(error: unknown): AppError {
    if (error instanceof AppError) {
      const redacted = new AppError(error.code, this.text(error.message), this.deep(error.details));
      return redacted;
    }
    const message = error instanceof Error ? error.message : String(error);
    return new AppError('REMOTE_ERROR', this.text(message));
  }
}

/** Credentials written out by name (`Authorization: Basic …`, `x-api-key=…`), whoever sent them. */
export function redactPatterns(text: string): string {
  return text.replace(
    SECRET_PATTERN,
    (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ?? ''}${REDACTED}`,
  );
}

/** A URL without user info, so `https://user:pass@host` never reaches a message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}
