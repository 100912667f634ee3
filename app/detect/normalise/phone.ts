import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * E.164 via libphonenumber-js with the workspace's default region. A number it cannot place keeps its digits
 * (prefixed "d") so two identical oddities still match, and short junk (< 6 digits) is dropped.
 */
export function normalisePhone(raw: string | null | undefined, region: CountryCode): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D+/g, '');
  if (digits.length < 6 || /^(\d)\1+$/.test(digits)) return null;
  try {
    const parsed = parsePhoneNumberFromString(trimmed.replace(/^00/, '+'), region);
    if (parsed && parsed.isPossible()) return parsed.number;
  } catch {
    // fall through to the digits
  }
  return `d${digits}`;
}

const ALL_DIGITS_AFTER_FIRST = /^[+d]\d+$/;

/** Last 8 digits: the same line written with and without a trunk or country code. */
export function phoneTail(normalised: string): string {
  // E.164 ("+…") and kept digits ("d…") are digits after one character: cut the tail without a copy of them all.
  if (normalised.length >= 9 && ALL_DIGITS_AFTER_FIRST.test(normalised)) return normalised.slice(-8);
  const digits = normalised.replace(/\D+/g, '');
  return digits.length >= 8 ? digits.slice(-8) : '';
}
