import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteHookResult } from '../../../app/sandbox/write-hook';
import {
  acCleanRun,
  acEndState,
  acMergeArgs,
  acScenario,
  buildAcTemplate,
  cli,
  type AcTemplate,
  type CliRun,
} from '../../helpers/ac-merge-faults';
import { tally } from '../../helpers/merge-faults';

const TIMEOUT_MS = 1000;
const SETTINGS = { timeoutMs: TIMEOUT_MS };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fault {
  readonly name: string;
  readonly phase: 'before' | 'after';
  readonly act: () => WriteHookResult | Promise<WriteHookResult>;
}

const FAULTS: readonly Fault[] = [
  {
    name: '429 with Retry-After before the change',
    phase: 'before',
    act: () => ({
      status: 429,
      headers: { 'Retry-After': '1', 'RateLimit-Limit': '5', 'RateLimit-Remaining': '0' },
    }),
  },
  { name: '503 before the change', phase: 'before', act: () => ({ status: 503 }) },
  { name: '502 after the change', phase: 'after', act: () => ({ status: 502 }) },
  { name: 'connection dropped before the change', phase: 'before', act: () => 'abort' },
  { name: 'connection dropped after the change', phase: 'after', act: () => 'abort' },
  {
    name: 'timeout before the change',
    phase: 'before',
    act: async (): Promise<WriteHookResult> => (await wait(TIMEOUT_MS + 500), 'abort'),
  },
  {
    name: 'timeout after the change',
    phase: 'after',
    act: async (): Promise<WriteHookResult> => (await wait(TIMEOUT_MS + 500), 'abort'),
  },
];

/** Writes that are events, not states: sending one twice does something twice (an automation starts again). */
const MUST_BE_ONCE = [
  /^crm POST \/contactAutomations /,
  /^crm POST \/contacts /,
  /^wp POST .*\/orders\/rekey/,
];

/** A message in words: no stack frame, no bare status code without a sentence around it. */
const inWords = (run: CliRun) =>
  !/\n\s+at .+:\d+:\d+/.test(run.stderr) && /[A-Za-z]{3,} [a-z]{2,}/.test(run.stderr);

describe('429 with Retry-After, 5xx, timeouts and dropped connections at every write of an ActiveCampaign merge (built CLI, sandboxes over HTTP)', () => {
  let template: AcTemplate;
  let clean: { state: unknown; writes: string[] };

  beforeAll(async () => {
    template = await buildAcTemplate();
    clean = await acCleanRun(template, { crmSettings: SETTINGS });
  }, 120_000);
  afterAll(() => template?.dispose());

  // Every write of the merge meets the fault once, on its first attempt, in one run: each write's own request
  // (method, path and body) is faulted the first time it arrives and answered normally when it is sent again.
  for (const fault of FAULTS) {
    it(`${fault.name} at every write: the merge ends like the clean run, events sent once, stops in words`, async () => {
      const s = await acScenario(template, { crmSettings: SETTINGS });
      try {
        const faulted = new Set<string>();
        s.onWrite = (_n, phase, signature) => {
          if (phase !== fault.phase || faulted.has(signature)) return undefined;
          faulted.add(signature);
          return fault.act();
        };
        const runs: CliRun[] = [await cli(s.dir, acMergeArgs(template.case)).done];
        // A fault the retries could not absorb stops the run; it says why in words and a resume carries on.
        while (runs.at(-1)!.code !== 0 && runs.length <= clean.writes.length + 1) {
          const stopped = runs.at(-1)!.stderr;
          expect(inWords(runs.at(-1)!), stopped).toBe(true);
          const runId = /mergedesk resume ([0-9a-f-]{36})/.exec(stopped)?.[1];
          runs.push(await cli(s.dir, ['resume', ...(runId ? [runId] : []), '--json']).done);
        }
        s.onWrite = null;
        expect(runs.at(-1)!.code, runs.at(-1)!.stderr).toBe(0);
        expect([...faulted].sort()).toEqual([...new Set(clean.writes)].sort());
        expect(acEndState(s, template.case)).toEqual(clean.state);
        const counts = tally(s.writes);
        for (const [write, n] of Object.entries(counts))
          if (MUST_BE_ONCE.some((re) => re.test(write))) expect([write, n]).toEqual([write, 1]);
        // Every other repeat is a state set again (a field, a list status, a tag that is already there, a link).
        expect(Object.keys(counts).sort()).toEqual(Object.keys(tally(clean.writes)).sort());
      } finally {
        await s.close();
      }
    }, 180_000);
  }
});
