import type { z } from 'zod';
import type { Db } from './database';

/**
 * Workspace settings, one JSON value per namespace ('detect', 'survivorship', 'access', …). Each feature owns its
 * namespace and its zod schema; a stored value that no longer parses falls back to the defaults, field by field.
 */
export function readSetting<S extends z.ZodType>(db: Db, key: string, schema: S): z.output<S> {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  let stored: unknown = {};
  if (row !== undefined) {
    try {
      stored = JSON.parse(row);
    } catch {
      stored = {};
    }
  }
  const parsed = schema.safeParse(stored);
  return parsed.success ? parsed.data : schema.parse({});
}

export function writeSetting<S extends z.ZodType>(
  db: Db,
  key: string,
  schema: S,
  value: z.input<S>,
): z.output<S> {
  const parsed = schema.parse(value);
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(parsed));
  return parsed;
}
