import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../app/store/database';
import { seedCache, seedRemotes } from '../../helpers/merge-world';
import { tempDir } from '../../helpers/workspace';

const CLI = 'bin/mergedesk.js';
const run = (ws: string, ...args: string[]) =>
  spawnSync(process.execPath, [CLI, '--workspace', ws, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe.skipIf(!existsSync('dist/node/cli.js'))('mergedesk merge / journal (built CLI)', () => {
  it('dry-runs a group, refuses to merge unprompted without --yes, and lists the journal', async () => {
    const ws = tempDir('md-cli-merge-');
    try {
      const db = openDatabase(join(ws, 'mergedesk.db'));
      const remotes = seedRemotes();
      const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102']);
      db.close();

      const dry = run(ws, '--json', 'merge', String(groupId), '--survivor', '101', '--dry-run');
      expect(dry.status, dry.stderr).toBe(0);
      const out = JSON.parse(dry.stdout) as {
        runId: string;
        plan: { survivorId: string; loserIds: string[] };
      };
      expect(out.plan).toMatchObject({ survivorId: '101', loserIds: ['102'] });

      const refused = run(ws, 'merge', String(groupId), '--survivor', '101');
      expect(refused.status).toBe(5);
      expect(refused.stderr).toContain('--yes');
      expect(refused.stderr).toContain('[crm_merged]');

      const journal = run(ws, '--json', 'journal');
      expect(journal.status).toBe(0);
      const runs = JSON.parse(journal.stdout) as { id: string; status: string }[];
      expect(runs).toEqual([expect.objectContaining({ id: out.runId, status: 'dry_run' })]);

      // The listing names the records beside their ids, and pages.
      const text = run(ws, 'journal');
      expect(text.status, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/dry_run\s+[A-Za-z][^#\n]* \(#101\) ← [A-Za-z][^#\n]* \(#102\)/);
      expect(run(ws, 'journal', '--offset', '1').stdout).toContain('No merges past the newest 1.');
      const tooMany = run(ws, 'journal', '--limit', '5000');
      expect(tooMany.status).toBe(2);
      expect(tooMany.stderr).toContain('--limit takes a whole number from 1 to 1000.');

      const csv = run(ws, 'journal', '--export', 'csv');
      expect(csv.stdout).toContain('merge.dry_run');

      const bad = run(ws, 'merge', 'abc');
      expect(bad.status).toBe(2);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
