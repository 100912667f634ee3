import { afterEach, describe, expect, it } from 'vitest';
import { ContactsRepo } from '../../app/store/contacts-repo';
import {
  groupMemberOf,
  loadGroupMembers,
  loadRecordsByPk,
  recordChunks,
  visitRecords,
  type CachedRecord,
} from '../../app/detect/record-reads';
import { extractFeatures, FeatureMemo } from '../../app/detect/features';
import type { CrmContact } from '../../app/ports/crm';
import { tempKeapWorkspace } from '../helpers/workspace';

const AT = '2026-01-01T00:00:00.000Z';

/** Contacts with none, one and several emails, phones and addresses, in every order the walk has to join. */
function people(): CrmContact[] {
  const out: CrmContact[] = [];
  for (let i = 0; i < 40; i++) {
    out.push({
      id: String(500 + i),
      givenName: i % 7 === 0 ? null : `Given${i % 5}`,
      middleName: i % 4 === 0 ? 'Q' : null,
      familyName: `Family${i}`,
      suffix: i % 9 === 0 ? 'Jr' : null,
      company: i % 3 === 0 ? 'Acme Ltd' : null,
      birthday: i % 2 === 0 ? `19${50 + i}-0${1 + (i % 9)}-1${i % 10}` : null,
      emails: Array.from({ length: i % 3 }, (_, k) => ({
        slot: `EMAIL${k + 1}`,
        email: `p${i}.${k}@example.com`,
      })),
      phones: Array.from({ length: (i + 1) % 3 }, (_, k) => ({
        slot: `PHONE${k + 1}`,
        number: `(415) 555-${String(1000 + i * 3 + k)}`,
        ...(k === 0 && i % 2 === 0 ? { e164: `+1415555${String(1000 + i * 3 + k)}` } : {}),
      })),
      // An empty first address (skipped for the next with anything to match on), a plain one, or none.
      addresses:
        i % 4 === 0
          ? [
              { slot: 'BILLING', line1: null, locality: null, postalCode: null, countryCode: 'US' },
              {
                slot: 'SHIPPING',
                line1: `${i} Main St`,
                line2: 'Apt 2',
                locality: 'Springfield',
                region: 'IL',
                postalCode: '62701',
              },
            ]
          : i % 4 === 1
            ? [
                {
                  slot: 'BILLING',
                  line1: `${i} Oak Ave`,
                  locality: 'Portland',
                  region: 'OR',
                  postalCode: '97201',
                },
              ]
            : [],
      tagIds: [],
      updatedAt: `2026-01-0${1 + (i % 9)}T00:00:00.000Z`,
      raw: { id: i },
    });
  }
  return out;
}

describe('reading cached contacts for detection', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  function workspace() {
    const ws = tempKeapWorkspace('md-reads-', cleanups, AT);
    new ContactsRepo(ws.db, 'k').saveContacts(people(), AT);
    return ws;
  }

  it('visits the same records, in the same order, as the chunked read gives them', () => {
    const ws = workspace();
    const chunked = [...recordChunks(ws.db, 'k', 7)].flat();
    const visited: CachedRecord[] = [];
    let chunks = 0;
    visitRecords(
      ws.db,
      'k',
      7,
      (r) => visited.push(structuredClone(r)),
      () => (chunks += 1),
    );
    expect(chunked).toHaveLength(40);
    expect(visited).toEqual(chunked);
    expect(chunks).toBe(Math.ceil(40 / 7));
    // The join found what was saved: several emails, an E.164 where given, the first address worth matching.
    const byId = (id: string) => chunked.find((r) => r.id === id)!;
    expect(byId('505').emails).toEqual(['p5.0@example.com', 'p5.1@example.com']);
    expect(byId('503').emails).toEqual([]);
    expect(byId('504').phones).toEqual(['(415) 555-1012', '(415) 555-1013']);
    expect(byId('504').phonesE164?.[0]).toBe('+14155551012');
    expect(byId('504').addresses).toEqual([
      { line1: '4 Main St', line2: 'Apt 2', locality: 'Springfield', region: 'IL', postcode: '62701' },
    ]);
    expect(byId('506').addresses).toEqual([]);
  });

  it('hands every visit one refilled record, so a scan keeps only the features it makes', () => {
    const ws = workspace();
    const seen = new Set<object>();
    const memo = new FeatureMemo();
    const features: ReturnType<typeof extractFeatures>[] = [];
    visitRecords(
      ws.db,
      'k',
      50,
      (r) => {
        seen.add(r);
        features.push(extractFeatures(r, 'US', memo));
      },
      () => undefined,
    );
    expect(seen.size).toBe(1);
    // Features made during the visits hold nothing of the refilled record: the same as from records of their own.
    const own = loadRecordsByPk(
      ws.db,
      [...recordChunks(ws.db, 'k', 50)].flat().map((r) => r.pk),
    );
    expect(features).toEqual(own.map((r) => extractFeatures(r, 'US', new FeatureMemo())));
  });

  it('reads group members once each, in pk order, with the text their group is found by', () => {
    const ws = workspace();
    const all = [...recordChunks(ws.db, 'k', 50)].flat();
    const pks = all.map((r) => r.pk);
    // Named twice and out of order.
    const wanted = [...pks.slice(20), ...pks, ...pks.slice(0, 5)].reverse();
    const members = loadGroupMembers(ws.db, wanted);
    expect(members.map((m) => m.pk)).toEqual(pks);
    expect(members).toEqual(loadRecordsByPk(ws.db, pks).map(groupMemberOf));
    const byId = (id: string) => members.find((m) => m.id === id)!;
    expect(byId('505').search).toBe('Given0 Family5 p5.0@example.com p5.1@example.com');
    expect(byId('500').search).toBe('Family0 (415) 555-1000');
    expect(byId('500').updatedAt).toBe('2026-01-01T00:00:00.000Z');
  });
});
