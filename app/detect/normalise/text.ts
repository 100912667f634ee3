/**
 * Unicode folding shared by every normaliser: compatibility decomposition, accents dropped, letters that do not
 * decompose (ß, æ, ø, ł …) spelled out, punctuation to spaces. "Zoë O'Brien-Núñez" -> "zoe o brien nunez".
 */
const SPECIAL: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const SPECIAL_RE = /[ßæœøłđðþıħ]/g;
const MARKS_RE = /\p{M}+/gu;
const NON_ALNUM_RE = /[^\p{L}\p{N}]+/gu;
const ASCII_SIMPLE_RE = /^[a-z0-9 ]*$/;

export function fold(value: string | null | undefined): string {
  if (!value) return '';
  let s = value.toLowerCase();
  if (!ASCII_SIMPLE_RE.test(s)) {
    s = s
      .normalize('NFKD')
      .replace(MARKS_RE, '')
      .replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c);
    s = s.replace(NON_ALNUM_RE, ' ');
  }
  return s.replace(/ {2,}/g, ' ').trim();
}

export function tokens(value: string): string[] {
  return value === '' ? [] : value.split(' ');
}

/** Small interning pool: a million records repeat a few thousand names, so equal strings share memory. */
export class Interner {
  private readonly pool = new Map<string, string>();
  get(s: string): string {
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    this.pool.set(s, s);
    return s;
  }
}
