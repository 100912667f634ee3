import { AppError } from '../../app/domain/errors';

export type FaultKind = 'network' | 'timeout' | '5xx' | '429' | 'crash';

/** Thrown by a 'crash' fault: not an AppError, so nothing treats it as a handled remote failure. */
export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`Simulated crash at ${where}`);
    this.name = 'SimulatedCrash';
  }
}

export interface CallEntry {
  readonly index: number;
  readonly service: 'crm' | 'wp';
  readonly method: string;
  readonly mutating: boolean;
  readonly args: unknown;
  /** The call reached the server and its side effect happened (whatever the caller saw afterwards). */
  effected: boolean;
}

interface Fault {
  readonly match: (e: CallEntry, nthOfMethod: number) => boolean;
  readonly when: 'before' | 'after';
  readonly kind: FaultKind;
  readonly times: number;
  used: number;
  readonly onCrash?: () => void;
}

/**
 * One call log and fault plan shared by the fake CRM and the fake WordPress site, so a test can say "fail the
 * 7th remote call, after its side effect" across both services, or "the 2nd mergeContacts answers 503".
 */
export class FaultInjector {
  readonly calls: CallEntry[] = [];
  private readonly perMethod = new Map<string, number>();
  private faults: Fault[] = [];
  /** Called around every side effect; a child process uses it to persist state and to stop dead at a point. */
  hooks: {
    beforeAct?: (e: CallEntry) => Promise<void> | void;
    afterAct?: (e: CallEntry) => Promise<void> | void;
  } = {};

  /** Fault on the global call number `index` (1-based). */
  atCall(index: number, when: 'before' | 'after', kind: FaultKind, onCrash?: () => void): this {
    this.faults.push({
      match: (e) => e.index === index,
      when,
      kind,
      times: 1,
      used: 0,
      ...(onCrash ? { onCrash } : {}),
    });
    return this;
  }

  /** Fault on the nth call of one method (1-based), `times` times in a row from there. */
  onMethod(
    method: string,
    nth: number,
    when: 'before' | 'after',
    kind: FaultKind,
    times = 1,
    onCrash?: () => void,
  ): this {
    this.faults.push({
      match: (e, n) => e.method === method && n >= nth && n < nth + times,
      when,
      kind,
      times,
      used: 0,
      ...(onCrash ? { onCrash } : {}),
    });
    return this;
  }

  clear(): void {
    this.faults = [];
  }

  count(method: string, service?: 'crm' | 'wp'): number {
    return this.calls.filter((c) => c.method === method && (!service || c.service === service)).length;
  }

  /** Side effects that actually happened, per service and method. */
  mutatingCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.calls)
      if (c.mutating && c.effected)
        out[`${c.service}.${c.method}`] = (out[`${c.service}.${c.method}`] ?? 0) + 1;
    return out;
  }

  async around<T>(
    service: 'crm' | 'wp',
    method: string,
    mutating: boolean,
    args: unknown,
    act: () => T,
  ): Promise<T> {
    const n = (this.perMethod.get(method) ?? 0) + 1;
    this.perMethod.set(method, n);
    const entry: CallEntry = {
      index: this.calls.length + 1,
      service,
      method,
      mutating,
      args,
      effected: false,
    };
    this.calls.push(entry);
    await Promise.resolve();
    this.maybeFail(entry, n, 'before');
    await this.hooks.beforeAct?.(entry);
    const result = act();
    entry.effected = true;
    await this.hooks.afterAct?.(entry);
    this.maybeFail(entry, n, 'after');
    return structuredClone(result);
  }

  private maybeFail(entry: CallEntry, n: number, when: 'before' | 'after'): void {
    const fault = this.faults.find((f) => f.when === when && f.used < f.times && f.match(entry, n));
    if (!fault) return;
    fault.used++;
    const where = `${entry.service}.${entry.method} #${entry.index} (${when})`;
    switch (fault.kind) {
      case 'crash':
        fault.onCrash?.();
        throw new SimulatedCrash(where);
      case 'network':
        throw new AppError('CONNECTION_FAILED', `Could not reach the server (ECONNRESET) at ${where}.`, {
          code: 'ECONNRESET',
        });
      case 'timeout':
        throw new AppError('TIMEOUT', `${where} timed out.`, { code: 'ETIMEDOUT' });
      case '5xx':
        throw new AppError('REMOTE_ERROR', `${where} failed: 503 Service Unavailable.`, { status: 503 });
      case '429':
        throw new AppError('RATE_LIMITED', `${where} was throttled: 429 Quota Exceeded.`, { status: 429 });
    }
  }
}
