import { z } from 'zod';
import type { Db } from '../store/database';
import { readSetting, writeSetting } from '../store/settings';

export const FIELD_RULES = [
  'prefer_non_empty',
  'survivor',
  'most_recent',
  'oldest',
  'most_complete',
] as const;
export type FieldRule = (typeof FIELD_RULES)[number];

export const SURVIVOR_RULES = ['most_complete', 'most_recently_updated', 'oldest'] as const;
export type SurvivorRule = (typeof SURVIVOR_RULES)[number];

export const SINGLE_FIELDS = [
  'givenName',
  'middleName',
  'familyName',
  'prefix',
  'suffix',
  'company',
  'jobTitle',
  'birthday',
] as const;
export type SingleField = (typeof SINGLE_FIELDS)[number];

/** Namespace 'survivorship': which record survives, which value wins per field, what happens to a loser. */
export const survivorshipSettingsSchema = z.object({
  survivor: z.enum(SURVIVOR_RULES).default('most_complete'),
  defaultFieldRule: z.enum(FIELD_RULES).default('prefer_non_empty'),
  fieldRules: z.partialRecord(z.enum(SINGLE_FIELDS), z.enum(FIELD_RULES)).default({}),
  /** Opt-out wins over opt-in for the same address. Kept as a setting to be explicit, but never off by default. */
  optOutWins: z.boolean().default(true),
  /** Manual strategy: what happens to a loser once everything moved. */
  manualLoserAction: z.enum(['delete', 'archive']).default('delete'),
  /** Tag applied to a loser that is archived instead of deleted (manual strategy). */
  archiveTagId: z.string().min(1).nullable().default(null),
});
export type SurvivorshipSettings = z.output<typeof survivorshipSettingsSchema>;

/**
 * How many values of each kind the CRM holds on one contact. Not a setting: it is what the connector says
 * (its capabilities' slots), so a review never offers more than the CRM can keep.
 */
export interface SlotCapacity {
  readonly maxEmails: number;
  readonly maxPhones: number;
  readonly maxAddresses: number;
}

/** The survivorship rules a review or plan applies: the user's settings plus the CRM's slot capacity. */
export type MergeRules = SurvivorshipSettings & SlotCapacity;

export const withCapacity = (
  settings: SurvivorshipSettings,
  slots: {
    readonly emails: readonly unknown[];
    readonly phones: readonly unknown[];
    readonly addresses: readonly unknown[];
  },
): MergeRules => ({
  ...settings,
  maxEmails: slots.emails.length,
  maxPhones: slots.phones.length,
  maxAddresses: slots.addresses.length,
});

/** Namespace 'access': which tags grant access, revoke it, or may start automations. */
export const accessSettingsSchema = z.object({
  accessCategories: z.array(z.string().min(1)).default(['access', 'membership', 'course', 'product']),
  accessNamePatterns: z.array(z.string().min(1)).default(['access', 'member', 'course']),
  revokeNamePatterns: z
    .array(z.string().min(1))
    .default(['cancel', 'revok', 'refund', 'expired', 'suspend', 'payment fail']),
  automationCategories: z.array(z.string().min(1)).default(['automation', 'campaign', 'trigger']),
  automationNamePatterns: z.array(z.string().min(1)).default(['trigger', 'start ', 'goal']),
});
export type AccessSettings = z.output<typeof accessSettingsSchema>;

export const readSurvivorship = (db: Db): SurvivorshipSettings =>
  readSetting(db, 'survivorship', survivorshipSettingsSchema);
export const readAccess = (db: Db): AccessSettings => readSetting(db, 'access', accessSettingsSchema);
export const writeSurvivorship = (db: Db, v: z.input<typeof survivorshipSettingsSchema>) =>
  writeSetting(db, 'survivorship', survivorshipSettingsSchema, v);
export const writeAccess = (db: Db, v: z.input<typeof accessSettingsSchema>) =>
  writeSetting(db, 'access', accessSettingsSchema, v);
