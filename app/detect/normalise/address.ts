import { fold, tokens } from './text';

/** Street-type and direction synonyms (USPS / Australia Post abbreviations), both directions mapped to one form. */
const ABBREVIATIONS: Record<string, string> = {
  street: 'st',
  str: 'st',
  avenue: 'ave',
  av: 'ave',
  avn: 'ave',
  road: 'rd',
  drive: 'dr',
  drv: 'dr',
  place: 'pl',
  court: 'ct',
  crt: 'ct',
  lane: 'ln',
  boulevard: 'blvd',
  blv: 'blvd',
  crescent: 'cres',
  cresc: 'cres',
  cr: 'cres',
  terrace: 'tce',
  terr: 'tce',
  highway: 'hwy',
  parkway: 'pkwy',
  square: 'sq',
  circuit: 'cct',
  circle: 'cir',
  close: 'cl',
  grove: 'gr',
  mount: 'mt',
  point: 'pt',
  parade: 'pde',
  esplanade: 'esp',
  trail: 'trl',
  way: 'wy',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  saint: 'st',
};
/** Unit designators: the token and the number after it are dropped from the street key. */
const UNITS = new Set([
  'apt',
  'apartment',
  'unit',
  'suite',
  'ste',
  'flat',
  'fl',
  'floor',
  'room',
  'rm',
  'lot',
  'po',
  'box',
]);

export interface NormalisedAddress {
  readonly streetNumber: string;
  /** Street name tokens with abbreviations applied, joined by a space. */
  readonly street: string;
  readonly locality: string;
  readonly region: string;
  readonly postcode: string;
}

export function normaliseStreet(line: string): { number: string; street: string } {
  return streetTokens(fold(line));
}

/** `normaliseStreet` of an already folded line. */
export function streetTokens(folded: string): { number: string; street: string } {
  const toks = tokens(folded);
  let number = '';
  const kept: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (UNITS.has(t)) {
      i += 1;
      continue;
    }
    if (/^\d+[a-z]?$/.test(t)) {
      if (!number) number = t.replace(/[a-z]$/, '');
      continue;
    }
    kept.push(ABBREVIATIONS[t] ?? t);
  }
  return { number, street: kept.join(' ') };
}

export function normalisePostcode(raw: string | null | undefined): string {
  if (!raw) return '';
  const s = raw.toLowerCase().replace(/[^a-z0-9]/g, '');
  // US ZIP+4 -> ZIP; leading zeros lost by a spreadsheet are not guessed back.
  if (/^\d{9}$/.test(s)) return s.slice(0, 5);
  return s;
}

export function normaliseAddress(
  parts: {
    streetNumber?: string | null;
    line1?: string | null;
    line2?: string | null;
    locality?: string | null;
    region?: string | null;
    postcode?: string | null;
  },
  places?: { place(raw: string | null | undefined): string },
): NormalisedAddress {
  const first = normaliseStreet(`${parts.streetNumber ?? ''} ${parts.line1 ?? ''}`);
  const second = first.street ? null : normaliseStreet(parts.line2 ?? '');
  return {
    streetNumber: first.number || (second?.number ?? ''),
    street: first.street || (second?.street ?? ''),
    locality: places ? places.place(parts.locality) : fold(parts.locality),
    region: places ? places.place(parts.region) : fold(parts.region),
    postcode: normalisePostcode(parts.postcode),
  };
}

const COMPANY_NOISE = new Set([
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'gmbh',
  'pty',
  'sa',
  'bv',
  'the',
  'and',
]);

export function normaliseCompany(raw: string | null | undefined): string {
  return tokens(fold(raw))
    .filter((t) => !COMPANY_NOISE.has(t))
    .join(' ');
}
