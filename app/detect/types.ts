/** A contact as detection sees it: CRM-neutral, possibly from a CSV. Every field is optional except the id. */
export interface DetectRecord {
  /** Stable id (CRM id, CSV id). */
  readonly id: string;
  /** For linkage between sources (e.g. two CRMs, FEBRL 4a/4b): pairs within one source are skipped when linking. */
  readonly source?: string;
  readonly givenName?: string | null;
  readonly middleName?: string | null;
  readonly familyName?: string | null;
  readonly suffix?: string | null;
  readonly company?: string | null;
  readonly birthday?: string | null;
  readonly emails?: readonly string[];
  /** Raw phone numbers; `phonesE164` (already normalised by the cache) is used when present. */
  readonly phones?: readonly string[];
  readonly phonesE164?: readonly (string | null)[];
  readonly addresses?: readonly {
    readonly streetNumber?: string | null;
    readonly line1?: string | null;
    readonly line2?: string | null;
    readonly locality?: string | null;
    readonly region?: string | null;
    readonly postcode?: string | null;
  }[];
}

/** Normalised, comparison-ready form of a record. */
export interface Features {
  readonly id: string;
  readonly source: string;
  readonly given: string;
  readonly middle: string;
  readonly family: string;
  readonly givenPh: string;
  readonly familyPh: string;
  readonly nick: readonly number[] | null;
  readonly suffix: string;
  readonly emails: readonly string[];
  readonly emailsFolded: readonly string[];
  readonly emailLocals: readonly string[];
  readonly phones: readonly string[];
  readonly phoneTails: readonly string[];
  readonly dob: string;
  readonly postcode: string;
  readonly streetNumber: string;
  readonly street: string;
  readonly locality: string;
  readonly region: string;
  readonly company: string;
}

export type Lane = 'safe' | 'needs_choice' | 'maybe_two_people';
export const LANES: readonly Lane[] = ['safe', 'needs_choice', 'maybe_two_people'];

/** One field's part of a pair's score: which comparison level it hit and the match weight (log2 Bayes factor). */
export interface Contribution {
  readonly field: FieldName;
  readonly level: string;
  readonly weight: number;
}

export type FieldName =
  'given' | 'family' | 'dob' | 'email' | 'phone' | 'postcode' | 'street' | 'locality' | 'region' | 'company';
