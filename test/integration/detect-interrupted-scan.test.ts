import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../app/workspace/workspace';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { fullScan } from '../../app/detect/scan';
import { incrementalScan } from '../../app/detect/rescan';
import { beginFullScan } from '../../app/detect/scan-store';
import { defaultDetectSettings } from '../../app/detect/settings';
import { AppError } from '../../app/domain/errors';
import type { CrmContact } from '../../app/ports/crm';
import { tempKeapWorkspace } from '../helpers/workspace';

const AT = '2026-01-01T00:00:00.000Z';
const LATER = '2026-02-01T00:00:00.000Z';
const familyOf = (i: number) =>
  'Fam' + [...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
const person = (id: string, i: number, updatedAt = AT): CrmContact => ({
  id,
  givenName: 'Ann',
  familyName: familyOf(i),
  emails: [{ slot: 'EMAIL1', email: `person${i}@example.com` }],
  phones: [],
  addresses: [],
  tagIds: [],
  updatedAt,
  raw: { id },
});
const options = { settings: defaultDetectSettings(), now: () => new Date().toISOString() };

/** Cancels a scan at its `n`th look at the flag. */
const cancelAt = (n: number) => {
  let checks = 0;
  return {
    throwIfAborted() {
      if (++checks >= n) throw new AppError('CANCELLED', 'The scan was cancelled.');
    },
  };
};

describe('a full scan that does not complete', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  /** 60 people, each third of them twice (same name and email): 20 groups. */
  function scanned(): Workspace {
    const ws = tempKeapWorkspace('md-interrupted-', cleanups, AT);
    const people: CrmContact[] = [];
    for (let i = 0; i < 60; i++) {
      people.push(person(`${1000 + i}`, i));
      if (i % 3 === 0) people.push(person(`${5000 + i}`, i));
    }
    new ContactsRepo(ws.db, 'k').saveContacts(people, AT);
    expect(fullScan(ws.db, options).groups).toBe(20);
    return ws;
  }

  const groupCount = (ws: Workspace) =>
    ws.db.prepare(`SELECT count(*) FROM dup_groups WHERE status = 'open'`).pluck().get() as number;

  it('leaves the groups, and the next re-scan after a sync scans in full instead of trusting cleared keys', () => {
    const ws = scanned();
    expect(() => fullScan(ws.db, { ...options, signal: cancelAt(2) })).toThrow(/cancelled/);
    expect(ws.db.prepare('SELECT count(*) FROM match_keys').pluck().get()).toBe(0);
    expect(ws.db.prepare(`SELECT status FROM detect_runs ORDER BY id DESC LIMIT 1`).pluck().get()).toBe(
      'cancelled',
    );
    expect(groupCount(ws)).toBe(20);
    // A sync brings one member of a group back with a later update time and nothing else changed.
    new ContactsRepo(ws.db, 'k').saveContacts([person('5003', 3, LATER)], LATER);
    const rescan = incrementalScan(ws.db, options);
    expect(rescan.mode).toBe('full');
    expect(groupCount(ws)).toBe(20);
    // With the keys written again, the next re-scan is incremental and still finds the pair.
    new ContactsRepo(ws.db, 'k').saveContacts([person('1003', 3, '2026-03-01T00:00:00.000Z')], LATER);
    const next = incrementalScan(ws.db, options);
    expect(next.mode).toBe('incremental');
    expect(next.comparisons).toBeGreaterThan(0);
    expect(groupCount(ws)).toBe(20);
  });

  it('counts a scan killed while running (its run left marked running) the same way', () => {
    const ws = scanned();
    beginFullScan(ws.db, ['k'], new Date().toISOString());
    new ContactsRepo(ws.db, 'k').saveContacts([person('5006', 6, LATER)], LATER);
    expect(incrementalScan(ws.db, options).mode).toBe('full');
    expect(groupCount(ws)).toBe(20);
  });
});
