import { describe, expect, it } from 'vitest';
import { featuresOf } from '../../../app/detect/engine';
import { buildModel } from '../../../app/detect/model';
import type { DetectRecord } from '../../../app/detect/types';

const person = (id: string, givenName: string, familyName: string, ...emails: string[]): DetectRecord => ({
  id,
  givenName,
  familyName,
  emails,
});

/** Many people with an address of their own, so the shared ones are a few among thousands. */
function crowd(n: number): DetectRecord[] {
  return Array.from({ length: n }, (_, i) =>
    person(`c${i}`, `Given${i}`, `Family${i}`, `own${i}@example.org`),
  );
}

describe('shared mailboxes in the model', () => {
  it('marks an email held by people whose names cannot be one person, wherever they sit in the list', () => {
    const records = [
      person('a1', 'Maria', 'Lopez', 'family@home.example', 'maria@work.example'),
      ...crowd(3000),
      person('a2', 'Jorge', 'Lopez', 'family@home.example'),
      ...crowd(3000).map((r) => ({ ...r, id: `d${r.id}` })),
      // One person's two records: the same address, a nickname.
      person('b1', 'William', 'Stone', 'bill.stone@example.net'),
      person('b2', 'Bill', 'Stone', 'bill.stone@example.net'),
      // Held once: never a mailbox, whatever the names.
      person('e1', 'Ann', 'Reyes', 'ann@solo.example'),
    ];
    const model = buildModel(featuresOf(records, 'US'));
    expect([...(model.mailboxes ?? [])]).toEqual(['family@home.example']);
  });

  it('finds the mailbox on any of a record’s addresses, not only the first', () => {
    const records = [
      person('a1', 'Maria', 'Lopez', 'maria@work.example', 'family@home.example'),
      ...crowd(500),
      person('a2', 'Jorge', 'Lopez', 'jorge@work.example', 'family@home.example'),
    ];
    expect([...(buildModel(featuresOf(records, 'US')).mailboxes ?? [])]).toEqual(['family@home.example']);
  });
});
