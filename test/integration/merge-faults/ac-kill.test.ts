import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acCleanRun,
  acEndState,
  acMergeArgs,
  acScenario,
  buildAcTemplate,
  cli,
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

  for (const phase of ['before', 'after'] as const) {
    it(`killed ${phase} each write, a resume in a new process ends exactly like the clean run, no write sent twice`, async () => {
      const problems: string[] = [];
      for (let i = 0; i < clean.writes.length; i++) {
        const s = await acScenario(template);
        try {
          const child = cli(s.dir, acMergeArgs(template.case));
          s.onWrite = (n, p) => {
            if (n !== i || p !== phase) return undefined;
            child.proc.kill('SIGKILL');
            return 'abort';
          };
          const killed = await child.done;
          s.onWrite = null;
          if (killed.signal !== 'SIGKILL') {
            problems.push(`#${i} ${phase}: the merge was not killed (exit ${killed.code}) ${killed.stderr}`);
            continue;
          }
          const resumed = await cli(s.dir, ['resume', '--json']).done;
          if (resumed.code !== 0)
            problems.push(`#${i} ${phase}: resume exited ${resumed.code}: ${resumed.stderr}`);
          try {
            expect(acEndState(s, template.case)).toEqual(clean.state);
          } catch (error) {
            problems.push(
              `#${i} ${phase} (${clean.writes[i]}): end state differs: ${(error as Error).message}`,
            );
          }
          try {
            expect(tally(s.writes)).toEqual(tally(clean.writes));
          } catch {
            problems.push(`#${i} ${phase} (${clean.writes[i]}): writes ${JSON.stringify(s.writes)}`);
          }
        } finally {
          await s.close();
        }
      }
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
