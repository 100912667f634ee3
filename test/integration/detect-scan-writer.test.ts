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
import { SCAN_WRITER_WHEN, startScanWriter } from '../../app/detect/scan-writer';
import { clearKeys } from '../../app/detect/scan-store';
import type { CrmContact } from '../../app/ports/crm';
import { AppError } from '../../app/domain/errors';
import { openDatabase } from '../../app/store/database';
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

describe('a full scan with its writer thread and without', () => {
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

  /** What a scan stored, but for the times it ran at. */
  const storedOutputOf = (ws: Workspace) => ({
    pairs: ws.db.prepare('SELECT * FROM candidate_pairs ORDER BY a_pk, b_pk').raw().all(),
    groups: ws.db
      .prepare(
        `SELECT id, group_key, lane, score, reason, size, last_activity, status, evidence, crm_ids, search_text
         FROM dup_groups ORDER BY id`,
      )
      .raw()
      .all(),
    members: ws.db.prepare('SELECT * FROM dup_group_members ORDER BY group_id, contact_pk').raw().all(),
    counts: ws.db.prepare('SELECT * FROM match_term_freq ORDER BY field, value').raw().all(),
    runs: ws.db
      .prepare(`SELECT kind, status, model, watermark, max_pk FROM detect_runs ORDER BY id`)
      .raw()
      .all(),
  });

  /**
   * A full scan on this thread, then one of a twin workspace with the detect worker at `workerFile`: the second
   * must store the same keys, pairs, groups, members, value counts and run. Returns the twin and its keys.
   */
  function expectSameScanWith(size: number, workerFile: string): { ws: Workspace; keys: [number, number][] } {
    const alone = workspace(size);
    const summary = fullScan(alone.db, options);
    const expected = { keys: storedKeysOf(alone), ...storedOutputOf(alone) };
    expect(expected.groups.length).toBeGreaterThan(size / 4);
    expect(expected.pairs.length).toBeGreaterThanOrEqual(expected.groups.length);
    const ws = workspace(size);
    useDetectWorkerFile(resolve(workerFile));
    const threaded = fullScan(ws.db, options);
    expect({ keys: storedKeysOf(ws), ...storedOutputOf(ws) }).toEqual(expected);
    expect({ pairs: threaded.pairs, groups: threaded.groups }).toEqual({
      pairs: summary.pairs,
      groups: summary.groups,
    });
    return { ws, keys: expected.keys as [number, number][] };
  }

  it('stores the same keys and finds the same pairs and groups, and a re-scan finds records through the keys', () => {
    // Large enough for the writer to be started.
    const { ws, keys: expected } = expectSameScanWith(
      Math.ceil(SCAN_WRITER_WHEN * 0.76),
      'scripts/ts-detect-worker.mjs',
    );
    expect(expected.length).toBeGreaterThan(SCAN_WRITER_WHEN * 2);
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
      const writer = startScanWriter(ws.db, { connectionId: 'k', only: true })!;
      writer.keys(Float64Array.from([5, 7, 4294967296 + 3]), Float64Array.from([1, 2, 1]));
      writer.keys(Float64Array.from([8589934592 + 9]), Float64Array.from([2]));
      expect(writer.finish(null)).toEqual({ keys: true, output: false });
      expect(storedKeysOf(ws)).toEqual([
        [5, 1],
        [7, 2],
        [4294967299, 1],
        [8589934601, 2],
      ]);
    },
    60_000,
  );

  it('stores the keys and the output itself when the writer fails at once', () => {
    expectSameScanWith(Math.ceil(SCAN_WRITER_WHEN * 0.76), 'test/helpers/failing-scan-writer.mjs');
  }, 60_000);

  it('writes the output itself, once, when the writer fails in the output transaction', () => {
    const { ws } = expectSameScanWith(
      Math.ceil(SCAN_WRITER_WHEN * 0.76),
      'test/helpers/scan-writer-failing-at-output.mjs',
    );
    expect(ws.db.prepare(`SELECT count(*) FROM detect_runs WHERE status = 'completed'`).pluck().get()).toBe(
      1,
    );
  }, 60_000);

  it('leaves the stored pairs and groups as they were when the scan is cancelled after the writer began its output', () => {
    const ws = workspace(Math.ceil(SCAN_WRITER_WHEN * 0.76));
    fullScan(ws.db, options);
    const before = storedOutputOf(ws);
    expect(
      ws.db
        .prepare(`SELECT count FROM match_term_freq WHERE field = 3 AND value = 'person3@example.com'`)
        .pluck()
        .get(),
    ).toBe(2);
    // A contact changed since: a completed scan would rewrite its pairs.
    new ContactsRepo(ws.db, 'k').saveContacts(
      [contact('1003', 'Ann', familyOf(3), 'person3@elsewhere.example', '+14155551003')],
      AT,
    );
    useDetectWorkerFile(resolve('scripts/ts-detect-worker.mjs'));
    // Cancelled once the writer holds the output transaction open, its pairs written: after it stored the new
    // value counts (the old email is no longer counted twice), the write lock another connection cannot take,
    // held for a second on end while the scan waits here, is the output's (its pairs take a few milliseconds).
    const probe = openDatabase(ws.db.name);
    cleanups.push(() => probe.close());
    probe.pragma('busy_timeout = 0');
    const countsStored = () =>
      probe
        .prepare(`SELECT count(*) FROM match_term_freq WHERE field = 3 AND value = 'person3@example.com'`)
        .pluck()
        .get() === 0;
    const writerHoldsLock = () => {
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return false;
      } catch {
        return true;
      }
    };
    let began = false;
    const signal = {
      throwIfAborted() {
        if (!began) return;
        const until = performance.now() + 20_000;
        let heldSince: number | null = null;
        while (performance.now() < until) {
          const now = performance.now();
          heldSince = countsStored() && writerHoldsLock() ? (heldSince ?? now) : null;
          if (heldSince !== null && now - heldSince >= 1_000) break;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        }
        expect(heldSince).not.toBeNull();
        throw new AppError('CANCELLED', 'The scan was cancelled.');
      },
    };
    const onProgress = (phase: string) => {
      if (phase === 'saving pairs') began = true;
    };
    expect(() => fullScan(ws.db, { ...options, signal, onProgress })).toThrow(/cancelled/);
    const after = storedOutputOf(ws);
    expect({ ...after, counts: before.counts, runs: after.runs.slice(0, 1) }).toEqual(before);
    expect(after.runs.map((row) => (row as unknown[])[1])).toEqual(['completed', 'cancelled']);
    // Nothing holds the workspace: the next scan completes and sees the change.
    useDetectWorkerFile(null);
    fullScan(ws.db, options);
    expect(storedOutputOf(ws).pairs).not.toEqual(before.pairs);
  }, 60_000);
});
