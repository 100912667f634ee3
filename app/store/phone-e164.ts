import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * A ten-digit North American number written the usual ways — "(555) 201-3344", "555-201-3344", "555.201.3344",
 * "5552013344", optionally preceded by "1" or "+1" — with an area code and exchange starting 2–9. For exactly these
 * libphonenumber answers "+1" followed by the ten digits, so they skip its ~20 µs parse; anything else (letters,
 * extensions, other country codes, odd groupings) goes to libphonenumber.
 */
const NANP = /^\s*(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?([2-9]\d{2})[\s.-]?(\d{4})\s*$/;

/** Regions whose national numbers are NANP ten-digit numbers under country code 1. */
const NANP_REGIONS: ReadonlySet<string> = new Set(['US', 'CA']);

/** E.164 for a number as typed, read in `region` when it has no country code; null when it is not a phone number. */
export function toE164(number: string, region: CountryCode): string | null {
  return (NANP_REGIONS.has(region) ? nanpE164(number) : null) ?? parseE164(number, region);
}

/** The fast path alone: E.164 for a plainly written NANP number, null for anything it leaves to libphonenumber. */
export function nanpE164(number: string): string | null {
  const m = NANP.exec(number);
  return m ? `+1${m[1]}${m[2]}${m[3]}` : null;
}

/** libphonenumber alone: the reference the fast path must agree with. */
export function parseE164(number: string, region: CountryCode): string | null {
  try {
    return parsePhoneNumberFromString(number, region)?.number ?? null;
  } catch {
    return null;
  }
}
