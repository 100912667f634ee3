import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteHookResult } from '../../../app/sandbox/write-hook';
import {
  buildTemplate,
  cleanRun,
  cli,
  endState,
  mergeArgs,
  scenario,
  tally,
  type CliRun,
  type Template,
} from '../../helpers/merge-faults';

const TIMEOUT_MS = 1500;
const SETTINGS = { timeoutMs: TIMEOUT_MS, retryBaseDelayMs: 20 };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fault {
  readonly name: string;
  readonly phase: 'before' | 'after';
  readonly act: () => WriteHookResult | Promise<WriteHookResult>;
  /** Timeouts need the connection's short timeout, which only the Keap connection takes. */
  readonly crmOnly?: boolean;
}

const FAULTS: readonly Fault[] = [
  { name: '429 before the change', phase: 'before', act: () => ({ status: 429 }) },
  { name: '503 before the change', phase: 'before', act: () => ({ status: 503 }) },
  { name: '502 after the change', phase: 'after', act: () => ({ status: 502 }) },
  { name: 'connection dropped before the change', phase: 'before', act: () => 'abort' },
  { name: 'connection dropped after the change', phase: 'after', act: () => 'abort' },
  {
    name: 'timeout before the change',
    phase: 'before',
    act: async (): Promise<WriteHookResult> => (await wait(TIMEOUT_MS + 500), 'abort'),
    crmOnly: true,
  },
  {
    name: 'timeout after the change',
    phase: 'after',
    act: async (): Promise<WriteHookResult> => (await wait(TIMEOUT_MS + 500), 'abort'),
    crmOnly: true,
  },
];

describe('429, 5xx, timeouts and dropped connections at every write of a real merge (built CLI, sandboxes)', () => {
  let template: Template;
  let clean: { state: unknown; writes: string[] };

  beforeAll(async () => {
    template = await buildTemplate();
    clean = await cleanRun(template, { crmSettings: SETTINGS });
  }, 120_000);
  afterAll(() => template?.dispose());

  // Every write of the merge meets the fault once, on its first attempt, in one run: a write is faulted the first
  // time its request (method and path: each write of a Keap merge has its own) arrives, and answered normally when
  // it is sent again. The test checks that every write of the clean run was faulted.
  for (const fault of FAULTS) {
    it(`${fault.name} at every write: the merge still ends like the clean run, each side effect once`, async () => {
      const targets = clean.writes.filter((w) => !fault.crmOnly || w.startsWith('crm '));
      const s = await scenario(template, { crmSettings: SETTINGS });
      try {
        const faulted = new Set<string>();
        s.onWrite = (_n, phase, signature) => {
          if (phase !== fault.phase || faulted.has(signature) || !targets.includes(signature))
            return undefined;
          faulted.add(signature);
          return fault.act();
        };
        const runs: CliRun[] = [await cli(s.dir, mergeArgs(template.case)).done];
        // A fault the retries could not absorb stops the run; the journal resumes it without repeats.
        while (runs.at(-1)!.code !== 0 && runs.length <= clean.writes.length + 1) {
          const runId = /mergedesk resume ([0-9a-f-]{36})/.exec(runs.at(-1)!.stderr)?.[1];
          runs.push(await cli(s.dir, ['resume', ...(runId ? [runId] : []), '--json']).done);
        }
        s.onWrite = null;
        expect(runs.at(-1)!.code, runs.at(-1)!.stderr).toBe(0);
        expect([...faulted].sort()).toEqual([...new Set(targets)].sort());
        expect(endState(s, template.case)).toEqual(clean.state);
        expect(tally(s.writes)).toEqual(tally(clean.writes));
      } finally {
        await s.close();
      }
    }, 300_000);
  }
});
