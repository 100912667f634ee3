import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract } from '../../../app/api/contract';
import { MAX_ENTRIES_META } from '../../../app/api/limits';

interface ZodInternals {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string } } }[];
      readonly [key: string]: unknown;
    };
  };
}

const checksOf = (s: ZodInternals) => (s._zod.def.checks ?? []).map((c) => c._zod.def.check);

/**
 * Walks a contract input schema and lists what lets an untrusted caller send more than the method needs: an object
 * that accepts unknown keys, an array or string without a maximum, a record with open keys and no entry cap.
 */
function looseSpots(schema: ZodInternals, path: string, out: string[], seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = schema._zod.def;
  const walk = (child: unknown, at: string) => looseSpots(child as ZodInternals, at, out, seen);
  switch (def.type) {
    case 'object': {
      const catchall = def.catchall as ZodInternals | undefined;
      if (catchall?._zod.def.type !== 'never') out.push(`${path}: object accepts unknown keys`);
      for (const [key, child] of Object.entries(def.shape as Record<string, unknown>))
        walk(child, `${path}.${key}`);
      break;
    }
    case 'array':
      if (!checksOf(schema).includes('max_length')) out.push(`${path}: array without a maximum length`);
      walk(def.element, `${path}[]`);
      break;
    case 'string':
      if (!checksOf(schema).some((c) => c === 'max_length' || c === 'length_equals' || c === 'string_format'))
        out.push(`${path}: string without a maximum length`);
      break;
    case 'record': {
      const keyType = (def.keyType as ZodInternals)._zod.def.type;
      const capped = z.globalRegistry.get(schema as never)?.[MAX_ENTRIES_META] !== undefined;
      if (keyType !== 'enum' && keyType !== 'literal' && !capped)
        out.push(`${path}: record without an entry cap`);
      walk(def.keyType, `${path}{key}`);
      walk(def.valueType, `${path}{value}`);
      break;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      walk(def.innerType, path);
      break;
    case 'pipe':
      walk(def.in, path);
      break;
    case 'union':
      (def.options as unknown[]).forEach((o, i) => walk(o, `${path}|${i}`));
      break;
    case 'intersection':
      walk(def.left, path);
      walk(def.right, path);
      break;
    case 'tuple':
      (def.items as unknown[]).forEach((o, i) => walk(o, `${path}[${i}]`));
      break;
    case 'lazy':
    case 'unknown':
    case 'any':
      out.push(`${path}: ${def.type} accepts anything`);
      break;
    default:
      break;
  }
  return out;
}

describe('every contract input is strict and bounded', () => {
  it('no method accepts unknown keys, unbounded arrays, strings or records', () => {
    const loose = Object.entries(contract).flatMap(([name, def]) =>
      looseSpots(def.input as unknown as ZodInternals, name, []),
    );
    expect(loose).toEqual([]);
  });
});
