import { z } from 'zod';

/** The metadata key a bounded record carries, so a test can prove no contract input is open-ended. */
export const MAX_ENTRIES_META = 'maxEntries';

/** A record with open keys that still refuses more than `max` entries (and keys longer than `keyMax`). */
export function boundedRecord<V extends z.ZodType>(value: V, max: number, keyMax = 100) {
  return z
    .record(z.string().max(keyMax), value)
    .refine((r) => Object.keys(r).length <= max, `at most ${max} entries`)
    .meta({ [MAX_ENTRIES_META]: max });
}
