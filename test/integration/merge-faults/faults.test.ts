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

  for (const fault of FAULTS) {
    it(`${fault.name}: the merge still ends like the clean run, each side effect once`, async () => {
      const problems: string[] = [];
      let injected = 0;
      for (let i = 0; i < clean.writes.length; i++) {
        if (fault.crmOnly && !clean.writes[i]!.startsWith('crm ')) continue;
        const s = await scenario(template, { crmSettings: SETTINGS });
        try {
          let fired = false;
          s.onWrite = (n, p) => {
            if (fired || n !== i || p !== fault.phase) return undefined;
            fired = true;
            injected += 1;
            return fault.act();
          };
          let run = await cli(s.dir, mergeArgs(template.case)).done;
          // A fault the retries could not absorb interrupts the run; the journal resumes it without repeats.
          if (run.code !== 0) run = await cli(s.dir, ['resume', '--json']).done;
          if (run.code !== 0) problems.push(`#${i}: exited ${run.code}: ${run.stderr.slice(-400)}`);
          try {
            expect(endState(s, template.case)).toEqual(clean.state);
          } catch (error) {
            problems.push(`#${i} (${clean.writes[i]}): end state differs: ${(error as Error).message}`);
          }
          try {
            expect(tally(s.writes)).toEqual(tally(clean.writes));
          } catch {
            problems.push(`#${i} (${clean.writes[i]}): writes ${JSON.stringify(s.writes)}`);
          }
        } finally {
          await s.close();
        }
      }
      expect(injected).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
