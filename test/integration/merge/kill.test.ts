import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cacheState,
  fileDb,
  planFor,
  queue,
  seedCache,
  seedRemotes,
  executor,
} from '../../helpers/merge-world';
import { dumpRemotes, loadRemotes } from '../../helpers/remote-state';
import { FakeCrm } from '../../helpers/fake-crm';
import { FakeWordPress } from '../../helpers/fake-wordpress';
import { openDatabase } from '../../../app/store/database';
import { childScript } from '../../helpers/child-script';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** Runs the child; resolves when it prints DONE, or kills it with SIGKILL when it reports its stop point. */
function child(dbFile: string, stateFile: string, runId: string, stopAt?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [childScript('test/helpers/merge-child.ts'), dbFile, stateFile, runId],
      {
        env: { ...process.env, ...(stopAt ? { STOP_AT: stopAt } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('STOPPED')) p.kill('SIGKILL');
    });
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || out.includes('DONE')) resolve(out.trim());
      else reject(new Error(`child exited ${code}: ${out}\n${err}`));
    });
  });
}

describe('kill -9 mid-merge, then resume in a new process', () => {
  it.each([
    ['5:before'], // snapshotting
    ['13:after'], // right after the survivor's fields were written
    ['15:after'], // right after the first CRM merge answered
    ['17:after'], // right after the WordPress relink
    ['19:before'], // before the second AccessAlly re-key
  ])(
    'killed at call %s ends like a clean run',
    async (stopAt) => {
      // The clean reference, in process.
      const ref = seedRemotes();
      const refDb = openDatabase(':memory:');
      cleanups.push(() => refDb.close());
      const refGroup = await seedCache(refDb, ref.crm, ref.wp, ['101', '102', '103']);
      await executor(refDb, ref.crm, ref.wp).run(
        queue(refDb, planFor(refDb, refGroup, { survivorId: '101' })),
      );

      const files = fileDb();
      cleanups.push(files.dispose);
      const stateFile = join(files.file, '..', 'remotes.json');
      const remotes = seedRemotes();
      const db = files.open();
      const groupId = await seedCache(db, remotes.crm, remotes.wp, ['101', '102', '103']);
      const runId = queue(db, planFor(db, groupId, { survivorId: '101' }));
      db.close();
      writeFileSync(stateFile, dumpRemotes(remotes.crm, remotes.wp));

      expect(await child(files.file, stateFile, runId, stopAt)).toContain('STOPPED');
      expect(await child(files.file, stateFile, runId)).toContain('DONE completed');

      const crm = new FakeCrm();
      const wp = new FakeWordPress();
      loadRemotes(readFileSync(stateFile, 'utf8'), crm, wp);
      expect(crm.state()).toEqual(ref.crm.state());
      expect(wp.state()).toEqual(ref.wp.state());
      const after = files.open();
      expect(cacheState(after)).toEqual(cacheState(refDb));
      after.close();
    },
    60_000,
  );
});
