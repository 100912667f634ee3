/**
 * A merge process that can be killed for real: runs (or resumes) a queued merge run against the fakes, persisting
 * the fakes' state after every call; with STOP_AT=<call>:<before|after> it announces the point on stdout and then
 * hangs there until the parent test sends SIGKILL.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openDatabase } from '../../app/store/database';
import { MergeExecutor } from '../../app/merge/executor';
import { FaultInjector } from './faults';
import { FakeCrm } from './fake-crm';
import { FakeWordPress } from './fake-wordpress';
import { dumpRemotes, loadRemotes } from './remote-state';
import { instantClock } from './merge-world';

const [dbFile, stateFile, runId] = process.argv.slice(2) as [string, string, string];
const stop = process.env.STOP_AT?.split(':');
const stopAt = stop ? { index: Number(stop[0]), when: stop[1] } : null;

const faults = new FaultInjector();
const crm = new FakeCrm(faults);
const wp = new FakeWordPress(faults, (id) =>
  [...(crm.contactTags.get(id) ?? [])].sort().map((t) => ({ id: t, name: crm.tags.get(t)?.name ?? t })),
);
loadRemotes(readFileSync(stateFile, 'utf8'), crm, wp);
const hang = (label: string) => {
  process.stdout.write(`STOPPED ${label}\n`);
  return new Promise<void>(() => {});
};
faults.hooks = {
  beforeAct: (e) =>
    stopAt && e.index === stopAt.index && stopAt.when === 'before' ? hang(`${e.method} before`) : undefined,
  afterAct: (e) => {
    writeFileSync(stateFile, dumpRemotes(crm, wp));
    return stopAt && e.index === stopAt.index && stopAt.when === 'after'
      ? hang(`${e.method} after`)
      : undefined;
  },
};

const db = openDatabase(dbFile);
const outcome = await new MergeExecutor({
  db,
  crm,
  wp,
  clock: instantClock(),
  retry: { attempts: 3, baseDelayMs: 1 },
}).run(runId);
writeFileSync(stateFile, dumpRemotes(crm, wp));
db.close();
process.stdout.write(`DONE ${outcome.status}\n`);
