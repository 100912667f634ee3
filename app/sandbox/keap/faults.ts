/**
 * Switchable failures for tests: "fail the next N requests matching X". Rules are consumed in order; a rule with
 * `probability` fires at random (seeded by the caller) instead of on every match.
 */
export type FaultKind =
  | { readonly type: 'status'; readonly status: number; readonly body?: unknown }
  | { readonly type: 'slow'; readonly delayMs: number }
  | { readonly type: 'drop' }
  | { readonly type: 'malformed' }
  | { readonly type: 'rate_limit'; readonly window?: 'second' | 'minute' | 'day' | 'unspecified' };

export interface FaultRule {
  readonly fault: FaultKind;
  /** Substring or pattern tested against `METHOD /path?query`. */
  readonly match?: string | RegExp;
  /** How many matching requests to affect; Infinity for "until cleared". */
  count?: number;
  readonly probability?: number;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  /** Number of faults injected so far, by type. */
  readonly injected: Record<string, number> = {};

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, count: rule.count ?? 1 });
  }

  /** Fail the next `count` requests that match. */
  failNext(count: number, fault: FaultKind, match?: string | RegExp): void {
    this.add({ fault, count, ...(match !== undefined ? { match } : {}) });
  }

  clear(): void {
    this.rules = [];
  }

  pick(signature: string): FaultKind | null {
    for (const rule of this.rules) {
      if ((rule.count ?? 0) <= 0) continue;
      if (rule.match !== undefined) {
        const hit =
          typeof rule.match === 'string' ? signature.includes(rule.match) : rule.match.test(signature);
        if (!hit) continue;
      }
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.count = (rule.count ?? 1) - 1;
      this.injected[rule.fault.type] = (this.injected[rule.fault.type] ?? 0) + 1;
      this.rules = this.rules.filter((r) => (r.count ?? 0) > 0);
      return rule.fault;
    }
    return null;
  }
}
