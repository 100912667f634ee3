import { z } from 'zod';

const fieldWeight = z.number().min(0).max(3);

/** Workspace settings for detection (namespace 'detect'). Every field has a default so an empty store works. */
export const detectSettingsSchema = z.object({
  /** Match probability at or above which two records are called the same person. */
  threshold: z.number().min(0.05).max(0.999).default(0.8),
  /** Lower bound for pairs still shown to a reviewer (in the "maybe two people" lane). */
  reviewThreshold: z.number().min(0.01).max(0.999).default(0.2),
  /** ISO region for numbers written without a country code. */
  phoneRegion: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('US'),
  /** Blocks larger than this (a shared office number, "Smith J") are skipped and reported. */
  maxBlockSize: z.number().int().min(10).max(5000).default(100),
  /** Multiplier of each field's match weights (0 switches a field off). */
  fieldWeights: z
    .object({
      given: fieldWeight.default(1),
      family: fieldWeight.default(1),
      dob: fieldWeight.default(1),
      email: fieldWeight.default(1),
      phone: fieldWeight.default(1),
      postcode: fieldWeight.default(1),
      street: fieldWeight.default(1),
      locality: fieldWeight.default(1),
      region: fieldWeight.default(1),
      company: fieldWeight.default(1),
    })
    .default({
      given: 1,
      family: 1,
      dob: 1,
      email: 1,
      phone: 1,
      postcode: 1,
      street: 1,
      locality: 1,
      region: 1,
      company: 1,
    }),
  /** Use nickname equivalences (Bill = William). */
  nicknames: z.boolean().default(true),
});

export type DetectSettings = z.output<typeof detectSettingsSchema>;
export type DetectSettingsInput = z.input<typeof detectSettingsSchema>;

export const defaultDetectSettings = (): DetectSettings => detectSettingsSchema.parse({});

const weightPatch = z
  .object({
    given: fieldWeight,
    family: fieldWeight,
    dob: fieldWeight,
    email: fieldWeight,
    phone: fieldWeight,
    postcode: fieldWeight,
    street: fieldWeight,
    locality: fieldWeight,
    region: fieldWeight,
    company: fieldWeight,
  })
  .partial()
  .strict();

/** A change to the settings: only the fields given (no defaults filled in, so nothing else is overwritten). */
export const detectSettingsPatchSchema = z
  .object({
    threshold: z.number().min(0.05).max(0.999),
    reviewThreshold: z.number().min(0.01).max(0.999),
    phoneRegion: z.string().regex(/^[A-Z]{2}$/),
    maxBlockSize: z.number().int().min(10).max(5000),
    fieldWeights: weightPatch,
    nicknames: z.boolean(),
  })
  .partial()
  .strict();
