import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Workspace } from '../../app/workspace/workspace';
import { openDatabase } from '../../app/store/database';
import { ContactsRepo } from '../../app/store/contacts-repo';
import { fullScan } from '../../app/detect/scan';
import { defaultDetectSettings } from '../../app/detect/settings';
import type { CrmContact } from '../../app/ports/crm';
import { tempKeapWorkspace } from '../helpers/workspace';

const contact = (id: string, given: string, family: string, email: string): CrmContact => ({
  id,
  givenName: given,
  familyName: family,
  emails: [{ slot: 'EMAIL1', email }],
  phones: [],
  addresses: [],
  tagIds: [],
  updatedAt: '2026-01-01T00:00:00.000Z',
  raw: { id },
});

describe('a full scan while a merge removes contacts under it', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  function workspace(): Workspace {
    const ws = tempKeapWorkspace('md-van-', cleanups);
    const people: CrmContact[] = [];
    for (let i = 0; i < 40; i++) {
      people.push(contact(`${1000 + i}`, `Given${i}`, `Family${i}`, `person${i}@example.com`));
      people.push(contact(`${2000 + i}`, `Given${i}`, `Family${i}`, `person${i}@example.com`));
    }
    new ContactsRepo(ws.db, 'k').saveContacts(people, '2026-01-01T00:00:00.000Z');
    return ws;
  }

  // After the load (the contacts are read, their keys about to be made) and just before the output transaction
  // opens (every pair is scored, the groups' members are read).
  for (const phase of ['blocking', 'saving pairs'] as const) {
    it(`finishes without a foreign-key failure when contacts vanish at "${phase}", and groups none of them`, () => {
      const ws = workspace();
      // The merge runs in another connection (another process in real life), between the scan's transactions.
      const other = openDatabase(join(ws.dir, 'mergedesk.db'));
      cleanups.push(() => other.close());
      let removed = false;
      const summary = fullScan(ws.db, {
        settings: defaultDetectSettings(),
        now: () => '2026-01-02T00:00:00.000Z',
        onProgress: (p) => {
          if (p !== phase || removed) return;
          removed = true;
          new ContactsRepo(other, 'k').deleteContacts(['2000', '2001', '2002']);
        },
      });
      expect(removed).toBe(true);
      expect(summary.groups).toBe(37);
      const orphans = ws.db
        .prepare(
          `SELECT count(*) FROM dup_group_members m LEFT JOIN contacts c ON c.pk = m.contact_pk WHERE c.pk IS NULL`,
        )
        .pluck()
        .get();
      expect(orphans).toBe(0);
    });
  }
});
