import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Workspace } from '../../app/workspace/workspace';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { fullScan, keysOf } from '../../app/detect/scan';
import { loadRecordsByPk } from '../../app/detect/record-reads';
import { extractFeatures, FeatureMemo } from '../../app/detect/features';
import { incrementalScan } from '../../app/detect/rescan';
import { defaultDetectSettings } from '../../app/detect/settings';
import { useDetectWorkerFile, useScanThreadWorkerFile } from '../../app/detect/threads';
import { KEY_WRITER_WHEN, startKeyWriter } from '../../app/detect/key-writer';
import { clearKeys } from '../../app/detect/scan-store';
import type { CrmContact } from '../../app/ports/crm';
import { tempKeapWorkspace } from '../helpers/workspace';

const AT = '2026-01-01T00:00:00.000Z';
const contact = (id: string, given: string, family: string, email: string, phone: string): CrmContact => ({
  id,
  givenName: given,
  familyName: family,
  emails: [{ slot: 'EMAIL1', email }],
  phones: [{ slot: 'PHONE1', number: phone }],
  addresses: [],
  tagIds: [],
  updatedAt: AT,
  raw: { id },
});

/** A family name of letters only (digits are not part of a name), one per person. */
const familyOf = (i: number) =>
  'Fam' + [...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');

const options = { settings: defaultDetectSettings(), now: () => new Date().toISOString() };

describe('a full scan with its key writer thread and without', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    useDetectWorkerFile(null);
    useScanThreadWorkerFile(null);
    while (cleanups.length) cleanups.pop()!();
  });

  function workspace(size = 200): Workspace {
    const ws = tempKeapWorkspace('md-keys-', cleanups, AT);
    const people: CrmContact[] = [];
    for (let i = 0; i < size; i++) {
      const phone = `+1415555${String(1000 + i).padStart(4, '0')}`;
      people.push(contact(`${1000 + i}`, 'Ann', familyOf(i), `person${i}@example.com`, phone));
      if (i % 3 === 0)
        people.push(contact(`${100000 + i}`, 'Ann', familyOf(i), `person${i}@example.com`, ''));
    }
    new ContactsRepo(ws.db, 'k').saveContacts(people, AT);
    return ws;
  }

  const storedKeysOf = (ws: Workspace) =>
    ws.db.prepare('SELECT key, contact_pk FROM match_keys ORDER BY key, contact_pk').raw().all();

  /**
   * A full scan on this thread, then one with the detect worker at `workerFile`: the second must store the same
   * keys and find the same pairs and groups. Returns the keys.
   */
  function expectSameScanWith(ws: Workspace, workerFile: string): [number, number][] {
    const alone = fullScan(ws.db, options);
    const expected = storedKeysOf(ws) as [number, number][];
    useDetectWorkerFile(resolve(workerFile));
    const threaded = fullScan(ws.db, options);
    expect(storedKeysOf(ws)).toEqual(expected);
    expect({ pairs: threaded.pairs, groups: threaded.groups }).toEqual({
      pairs: alone.pairs,
      groups: alone.groups,
    });
    return expected;
  }

  it('stores the same keys and finds the same pairs and groups, and a re-scan finds records through the keys', () => {
    // Large enough for the key writer to be started.
    const ws = workspace(Math.ceil(KEY_WRITER_WHEN * 0.76));
    const expected = expectSameScanWith(ws, 'scripts/ts-detect-worker.mjs');
    expect(expected.length).toBeGreaterThan(KEY_WRITER_WHEN * 2);
    // A changed record meets its duplicate only through the stored keys.
    new ContactsRepo(ws.db, 'k').saveContacts(
      [contact('1003', 'Ann', familyOf(3), 'person3@elsewhere.example', '+14155551003')].map((c) => ({
        ...c,
        updatedAt: '2026-02-01T00:00:00.000Z',
      })),
      '2026-02-01T00:00:00.000Z',
    );
    const rescan = incrementalScan(ws.db, options);
    expect(rescan.mode).toBe('incremental');
    expect(rescan.changed).toBe(1);
    expect(rescan.comparisons).toBeGreaterThan(0);
    expect(rescan.pairs).toBeGreaterThan(0);
    // Its keys now include those of the new email, each stored once.
    const pk = ws.db.prepare(`SELECT pk FROM contacts WHERE crm_id = '1003'`).pluck().get() as number;
    const [record] = loadRecordsByPk(ws.db, [pk]);
    const wantedKeys = keysOf(extractFeatures(record!, 'US', new FeatureMemo()));
    const storedKeys = ws.db
      .prepare('SELECT key FROM match_keys WHERE contact_pk = ?')
      .pluck()
      .all(pk) as number[];
    expect(storedKeys.length).toBe(new Set(storedKeys).size);
    expect(wantedKeys.filter((k) => !storedKeys.includes(k))).toEqual([]);
    expect(storedKeys.length).toBeGreaterThan(expected.filter(([, p]) => p === pk).length);
  }, 60_000);

  // From source under the test runner, and from the bundle the app ships when it has been built.
  const writers = [
    ['the detect worker from source', 'scripts/ts-detect-worker.mjs'],
    ['its own bundle', 'dist/node/detect-scan-thread.js'],
  ].filter(([, file]) => existsSync(file!));
  it.each(writers)(
    'stores the batches it is handed, in %s',
    (_name, file) => {
      const ws = workspace(10);
      clearKeys(ws.db);
      useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
      useScanThreadWorkerFile(resolve(file!));
      const writer = startKeyWriter(ws.db)!;
      writer.write(Float64Array.from([5, 7, 4294967296 + 3]), Float64Array.from([1, 2, 1]));
      writer.write(Float64Array.from([8589934592 + 9]), Float64Array.from([2]));
      expect(writer.finish()).toBe(true);
      expect(storedKeysOf(ws)).toEqual([
        [5, 1],
        [7, 2],
        [4294967299, 1],
        [8589934601, 2],
      ]);
    },
    60_000,
  );

  it('stores the keys itself when the writer fails', () => {
    const ws = workspace(Math.ceil(KEY_WRITER_WHEN * 0.76));
    expectSameScanWith(ws, 'test/helpers/failing-key-writer.mjs');
  }, 60_000);
});
