import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acCleanRun,
  acEndState,
  acMergeArgs,
  acScenario,
  buildAcTemplate,
  cli,
  type AcScenarioOptions,
  type AcTemplate,
} from '../../helpers/ac-merge-faults';
import { tally } from '../../helpers/merge-faults';

describe('SIGKILL at every write of an ActiveCampaign merge (built CLI over the AC and WordPress sandboxes), then resume', () => {
  let template: AcTemplate;
  let clean: { state: unknown; writes: string[] };

  beforeAll(async () => {
    template = await buildAcTemplate();
    clean = await acCleanRun(template);
  }, 120_000);
  afterAll(() => template?.dispose());

  it('the clean run makes every kind of write of the manual merge, each once, deleting the duplicate last', () => {
    const { survivorId: s, loserId: l } = template.case;
    const w = clean.writes;
    // The chosen phone, then the custom field the survivor lacked.
    const kind = (prefix: string) => w.filter((x) => x.startsWith(prefix));
    expect(kind(`crm PUT /contacts/${s} `)).toHaveLength(2);
    expect(kind('crm POST /contactTags ')).toHaveLength(2);
    expect(kind('crm POST /contactLists ')).toHaveLength(2);
    expect(kind('crm POST /contactAutomations ')).toHaveLength(1);
    // Each write is its own request: the same path with another body is another write.
    expect(new Set(w).size).toBe(w.length);
    expect(w).toContain(`wp POST /mergedesk/v1/members/${template.case.wpUserId}/contact`);
    expect(w).toContain('wp POST /mergedesk/v1/orders/rekey');
    expect(w).toContain(`wp POST /mergedesk/v1/members/${template.case.wpUserId}/resync`);
    expect(w.at(-1)).toBe(`crm DELETE /contacts/${l}`);
  });

  /** Kills the merge at write `i` (before or after it lands), resumes it, and says how it differs from `reference`. */
  async function killAndResume(
    i: number,
    phase: 'before' | 'after',
    reference: { state: unknown; writes: string[] },
    options: AcScenarioOptions = {},
  ): Promise<string[]> {
    const problems: string[] = [];
    const s = await acScenario(template, options);
    try {
      const child = cli(s.dir, acMergeArgs(template.case));
      s.onWrite = (n, p) => {
        if (n !== i || p !== phase) return undefined;
        child.proc.kill('SIGKILL');
        return 'abort';
      };
      const killed = await child.done;
      s.onWrite = null;
      if (killed.signal !== 'SIGKILL')
        return [`#${i} ${phase}: the merge was not killed (exit ${killed.code}) ${killed.stderr}`];
      const resumed = await cli(s.dir, ['resume', '--json']).done;
      if (resumed.code !== 0)
        problems.push(`#${i} ${phase}: resume exited ${resumed.code}: ${resumed.stderr}`);
      try {
        expect(acEndState(s, template.case)).toEqual(reference.state);
      } catch (error) {
        problems.push(
          `#${i} ${phase} (${reference.writes[i]}): end state differs: ${(error as Error).message}`,
        );
      }
      try {
        expect(tally(s.writes)).toEqual(tally(reference.writes));
      } catch {
        problems.push(`#${i} ${phase} (${reference.writes[i]}): writes ${JSON.stringify(s.writes)}`);
      }
      return problems;
    } finally {
      await s.close();
    }
  }

  for (const phase of ['before', 'after'] as const) {
    it(`killed ${phase} each write, a resume in a new process ends exactly like the clean run, no write sent twice`, async () => {
      const problems: string[] = [];
      for (let i = 0; i < clean.writes.length; i++) problems.push(...(await killAndResume(i, phase, clean)));
      expect(problems).toEqual([]);
    }, 300_000);
  }

  it('tag-and-keep instead of delete: killed before and after the archive tag, the last write, a resume ends like its clean run', async () => {
    const options: AcScenarioOptions = { survivorship: { manualLoserAction: 'archive', archiveTagId: '6' } };
    const kept = await acCleanRun(template, options);
    const { loserId } = template.case;
    // Every write before it is the delete run's, which the kills above cover; only the last one differs.
    expect(kept.writes.slice(0, -1)).toEqual(clean.writes.slice(0, -1));
    expect(kept.writes.at(-1)).toBe(
      `crm POST /contactTags {"contactTag":{"contact":"${loserId}","tag":"6"}}`,
    );
    const last = kept.writes.length - 1;
    const problems = [
      ...(await killAndResume(last, 'before', kept, options)),
      ...(await killAndResume(last, 'after', kept, options)),
    ];
    expect(problems).toEqual([]);
  }, 300_000);
});
