/**
 * Birth dates as "YYYY-MM-DD" from the shapes CRMs and spreadsheets produce: ISO (with or without time),
 * YYYYMMDD, D/M/YYYY or M/D/YYYY (kept in the order written: the comparison tolerates a day/month swap), and
 * placeholder years (Keap's 1900 / 0000 for "unknown") are treated as missing.
 */
export function normaliseDate(raw: string | null | undefined): string {
  if (!raw) return '';
  const s = raw.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-?(\d{1,2})-?(\d{1,2})(?:$|[T\s])/.exec(s);
  if (match) {
    y = +match[1]!;
    m = +match[2]!;
    d = +match[3]!;
  } else if ((match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s))) {
    y = +match[3]!;
    m = +match[1]!;
    d = +match[2]!;
    if (m > 12 && d <= 12) [m, d] = [d, m];
  } else if ((match = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(s))) {
    y = +match[1]!;
    m = +match[2]!;
    d = +match[3]!;
  } else return '';
  if (y < 1800 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return '';
  if (y === 1900 && m === 1 && d === 1) return '';
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
