/**
 * Keap v2 `filter` query parameter: clauses joined by `;`, each `field<op>value` with `==` (plus a trailing `*`
 * wildcard on text fields), `!=`, `>`, `<`, `>=`, `<=`. Callers URL-encode the whole value; the HTTP server has
 * already decoded it.
 */
export type FilterOp = '==' | '!=' | '>=' | '<=' | '>' | '<';

export interface FilterClause {
  readonly field: string;
  readonly op: FilterOp;
  readonly value: string;
}

export class FilterSyntaxError extends Error {}

const CLAUSE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|>=|<=|>|<)(.*)$/s;

export function parseFilter(filter: string | null | undefined): FilterClause[] {
  if (!filter) return [];
  const clauses: FilterClause[] = [];
  for (const part of filter.split(';')) {
    if (part.trim() === '') continue;
    const match = CLAUSE.exec(part);
    if (!match) throw new FilterSyntaxError(`Invalid filter clause: "${part.slice(0, 80)}"`);
    clauses.push({ field: match[1]!, op: match[2] as FilterOp, value: match[3]!.trim() });
  }
  return clauses;
}

/** `==` with an optional trailing `*` (prefix match); case-insensitive, as Keap documents for wildcards. */
export function textMatches(actual: string | null | undefined, pattern: string): boolean {
  if (actual === null || actual === undefined) return false;
  const a = actual.toLowerCase();
  const p = pattern.toLowerCase();
  return p.endsWith('*') ? a.startsWith(p.slice(0, -1)) : a === p;
}

export function compare(actual: number | string, op: FilterOp, expected: number | string): boolean {
  switch (op) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '<':
      return actual < expected;
    case '>=':
      return actual >= expected;
    case '<=':
      return actual <= expected;
  }
}
