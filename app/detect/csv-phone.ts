/**
 * A fast path to E.164 for North American numbers written the usual ways ("(216) 917-8457", "216.917.8457",
 * "+1 216 917 8457", "12169178457"), giving exactly what `normalisePhone` gives for region US/CA and those
 * shapes; anything else (another country, an extension, letters) is left to libphonenumber. A CRM export holds
 * one or two phones per row, and libphonenumber costs ~15 µs each: most of the time of reading a large export.
 */
export function fastE164(raw: string): string | undefined {
  let digits = '';
  let plus = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += raw[i];
    else if (c === 43 /* + */) {
      if (plus || digits.length > 0) return undefined;
      plus = true;
    } else if (c !== 32 && c !== 40 && c !== 41 && c !== 45 && c !== 46) return undefined;
  }
  // A run of one digit is junk that normalisePhone drops.
  if (/^(\d)\1+$/.test(digits)) return undefined;
  if (digits.length === 10 && !plus) {
    const a = digits.charCodeAt(0);
    return a >= 50 ? `+1${digits}` : undefined;
  }
  if (digits.length === 11 && digits.charCodeAt(0) === 49 /* 1 */) {
    const a = digits.charCodeAt(1);
    return a >= 50 ? `+${digits}` : undefined;
  }
  return undefined;
}

/** Regions whose national numbers are the North American plan's (country code 1). */
export const NANP_REGIONS: ReadonlySet<string> = new Set(['US', 'CA']);
