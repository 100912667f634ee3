import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../../../app/store/database';
import { CLAIM_LEASE_MS } from '../../../app/workspace/claims';
import {
  buildTemplate,
  cleanRun,
  cli,
  endState,
  mergeArgs,
  scenario,
  tally,
  type Scenario,
  type Template,
} from '../../helpers/merge-faults';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Statuses of every journal step of every non-dry run: a completed run holds only done steps. */
function journal(s: Scenario): { runs: string[]; steps: string[] } {
  const db = openDatabase(join(s.dir, 'mergedesk.db'));
  try {
    return {
      runs: db.prepare(`SELECT status FROM merge_runs WHERE dry_run = 0`).pluck().all() as string[],
      steps: db
        .prepare(
          `SELECT DISTINCT s.status FROM merge_steps s JOIN merge_runs r ON r.id = s.run_id WHERE r.dry_run = 0`,
        )
        .pluck()
        .all() as string[],
    };
  } finally {
    db.close();
  }
}

/** Kills a merge after its n-th write, leaving a run the journal calls 'running' and a dead holder's claim. */
async function interruptedAt(template: Template, n: number): Promise<Scenario> {
  const s = await scenario(template);
  const child = cli(s.dir, mergeArgs(template.case));
  s.onWrite = (i, phase) => {
    if (i !== n || phase !== 'after') return undefined;
    child.proc.kill('SIGKILL');
    return 'abort';
  };
  const killed = await child.done;
  s.onWrite = null;
  if (killed.signal !== 'SIGKILL') throw new Error(`the merge was not killed: ${killed.stderr}`);
  return s;
}

describe('one process at a time runs a merge (built CLI over the Keap and WordPress sandboxes)', () => {
  let template: Template;
  let clean: { state: unknown; writes: string[] };

  beforeAll(async () => {
    template = await buildTemplate();
    clean = await cleanRun(template);
  }, 120_000);
  afterAll(() => template?.dispose());

  it('two `resume` at once: one runs the merge, the other refuses; every write is sent once', async () => {
    const s = await interruptedAt(template, 0);
    try {
      let second: Awaited<ReturnType<typeof cli>['done']> | null = null;
      const first = cli(s.dir, ['resume', '--json']);
      // While the first resume holds its next write, a second resume starts and must finish without writing.
      s.onWrite = async (_i, phase) => {
        if (phase !== 'before' || second) return undefined;
        second = await cli(s.dir, ['resume', '--json']).done;
        return undefined;
      };
      const a = await first.done;
      s.onWrite = null;
      expect(a.code, a.stderr).toBe(0);
      expect(second).not.toBeNull();
      expect(second!.code).not.toBe(0);
      expect(second!.stderr).toMatch(/This merge is being run by a mergedesk command \(process \d+\) since/);
      expect(tally(s.writes)).toEqual(tally(clean.writes));
      expect(endState(s, template.case)).toEqual(clean.state);
      expect(journal(s)).toEqual({ runs: ['completed'], steps: ['done'] });
    } finally {
      await s.close();
    }
  }, 120_000);

  it('`resume` while the merge itself runs refuses and leaves it alone', async () => {
    const s = await scenario(template);
    try {
      let resumed: Awaited<ReturnType<typeof cli>['done']> | null = null;
      const merge = cli(s.dir, mergeArgs(template.case));
      s.onWrite = async (i, phase) => {
        if (i !== 2 || phase !== 'before' || resumed) return undefined;
        resumed = await cli(s.dir, ['resume', '--json']).done;
        return undefined;
      };
      const m = await merge.done;
      s.onWrite = null;
      expect(m.code, m.stderr).toBe(0);
      expect(resumed!.code).not.toBe(0);
      expect(resumed!.stderr).toMatch(/This merge is being run by/);
      expect(tally(s.writes)).toEqual(tally(clean.writes));
      expect(journal(s)).toEqual({ runs: ['completed'], steps: ['done'] });
    } finally {
      await s.close();
    }
  }, 120_000);

  it('kill -9 of the holder: the next `resume` takes the run over and ends like the clean run', async () => {
    const s = await interruptedAt(template, 1);
    try {
      const r = await cli(s.dir, ['resume', '--json']).done;
      expect(r.code, r.stderr).toBe(0);
      expect(tally(s.writes)).toEqual(tally(clean.writes));
      expect(endState(s, template.case)).toEqual(clean.state);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('a frozen holder keeps the run until its heartbeat lapses; then a `resume` takes over and the holder, woken, writes nothing', async () => {
    const s = await scenario(template);
    try {
      const merge = cli(s.dir, mergeArgs(template.case));
      let frozenAt = 0;
      s.onWrite = (i, phase) => {
        if (i !== 1 || phase !== 'before' || frozenAt) return undefined;
        merge.proc.kill('SIGSTOP');
        frozenAt = Date.now();
        // The request never arrives: the holder finds out when it wakes.
        return 'abort';
      };
      while (!frozenAt) await sleep(50);
      s.onWrite = null;
      const early = await cli(s.dir, ['resume', '--json']).done;
      expect(early.code).not.toBe(0);
      expect(early.stderr).toMatch(/This merge is being run by/);
      await sleep(Math.max(0, frozenAt + CLAIM_LEASE_MS + 500 - Date.now()));
      const late = await cli(s.dir, ['resume', '--json']).done;
      expect(late.code, late.stderr).toBe(0);
      const writesBefore = [...s.writes];
      merge.proc.kill('SIGCONT');
      const woken = await merge.done;
      expect(woken.code).not.toBe(0);
      expect(woken.stderr).toMatch(/took over this merge/);
      expect(s.writes).toEqual(writesBefore);
      expect(tally(s.writes)).toEqual(tally(clean.writes));
      expect(endState(s, template.case)).toEqual(clean.state);
      expect(journal(s)).toEqual({ runs: ['completed'], steps: ['done'] });
    } finally {
      await s.close();
    }
  }, 120_000);
});
