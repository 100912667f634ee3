import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('SIGKILL at every write of a real merge (built CLI over the Keap and WordPress sandboxes), then resume', () => {
  let template: Template;
  let clean: { state: unknown; writes: string[] };

  beforeAll(async () => {
    template = await buildTemplate();
    clean = await cleanRun(template);
  }, 120_000);
  afterAll(() => template?.dispose());

  it('the clean run makes every kind of write once', () => {
    const kinds = clean.writes.join('\n');
    expect(kinds).toMatch(/^crm PATCH \/contacts\//m);
    expect(kinds).toMatch(/^crm POST \/tags\/.*:applyTags/m);
    expect(kinds).toMatch(/^crm POST \/contacts:merge/m);
    expect(kinds).toMatch(/^wp POST /m);
    expect(Object.values(tally(clean.writes)).every((n) => n === 1)).toBe(true);
  });

  for (const phase of ['before', 'after'] as const) {
    it(`killed ${phase} each write, a resume in a new process ends exactly like the clean run`, async () => {
      const problems: string[] = [];
      for (let i = 0; i < clean.writes.length; i++) {
        const s = await scenario(template);
        try {
          const child = cli(s.dir, mergeArgs(template.case));
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
            expect(endState(s, template.case)).toEqual(clean.state);
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
