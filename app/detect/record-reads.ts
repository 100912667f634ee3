import type { Db } from '../store/database';
import type { DetectRecord } from './types';

// Contacts as detection reads them from the cache: a scan's bulk load, a re-scan's neighbours, a group's members.

/** A cached contact as detection reads it, with the cache's own key. */
export interface CachedRecord extends DetectRecord {
  readonly pk: number;
  readonly updatedAt: string | null;
}

/** pk, crm_id, given_name, middle_name, family_name, suffix, company, birthday, updated_at */
type ContactRow = [
  number,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
];

const CONTACT_COLUMNS = `pk, crm_id, given_name, middle_name, family_name, suffix, company, birthday, updated_at`;
const NO_STRINGS: readonly string[] = [];
const NO_ADDRESSES: NonNullable<DetectRecord['addresses']> = [];

/**
 * Contacts and their emails, phones and addresses, read as raw arrays (no per-row objects with named properties)
 * and joined by walking the pk-ordered child rows alongside the pk-ordered contacts: no per-chunk maps.
 */
function attachChildren(
  db: Db,
  rows: readonly ContactRow[],
  where: string,
  params: unknown[],
  withAddresses = true,
): CachedRecord[] {
  const emails = db
    .prepare(`SELECT contact_pk, email FROM contact_emails ${where} ORDER BY contact_pk, slot`)
    .raw()
    .all(...params) as [number, string][];
  const phones = db
    .prepare(`SELECT contact_pk, number, e164 FROM contact_phones ${where} ORDER BY contact_pk, slot`)
    .raw()
    .all(...params) as [number, string, string | null][];
  const addresses = withAddresses
    ? (db
        .prepare(
          `SELECT contact_pk, line1, line2, locality, region, postal_code FROM contact_addresses ${where}
           ORDER BY contact_pk, slot`,
        )
        .raw()
        .all(...params) as [
        number,
        string | null,
        string | null,
        string | null,
        string | null,
        string | null,
      ][])
    : [];
  let e = 0;
  let p = 0;
  let a = 0;
  const out = new Array<CachedRecord>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const pk = r[0];
    while (e < emails.length && emails[e]![0] < pk) e++;
    let recordEmails = NO_STRINGS;
    if (e < emails.length && emails[e]![0] === pk) {
      const list: string[] = [];
      while (e < emails.length && emails[e]![0] === pk) list.push(emails[e++]![1]);
      recordEmails = list;
    }
    while (p < phones.length && phones[p]![0] < pk) p++;
    let raw = NO_STRINGS;
    let e164: (string | null)[] = [];
    if (p < phones.length && phones[p]![0] === pk) {
      const list: string[] = [];
      e164 = [];
      while (p < phones.length && phones[p]![0] === pk) {
        list.push(phones[p]![1]);
        e164.push(phones[p]![2]);
        p++;
      }
      raw = list;
    }
    while (a < addresses.length && addresses[a]![0] < pk) a++;
    let recordAddresses = NO_ADDRESSES;
    while (a < addresses.length && addresses[a]![0] === pk) {
      const [, line1, line2, locality, region, postcode] = addresses[a++]!;
      // The first address with anything to match on.
      if (recordAddresses === NO_ADDRESSES && (line1 || postcode || locality))
        recordAddresses = [{ line1, line2, locality, region, postcode }];
    }
    out[i] = {
      pk,
      id: r[1],
      updatedAt: r[8],
      givenName: r[2],
      middleName: r[3],
      familyName: r[4],
      suffix: r[5],
      company: r[6],
      birthday: r[7],
      emails: recordEmails,
      phones: raw,
      phonesE164: e164,
      addresses: recordAddresses,
    };
  }
  return out;
}

/**
 * A connection's records in pk order, a chunk at a time. The chunk is a walk of the table in rowid order from the
 * last pk (`+connection_id` keeps SQLite off the connection index, through which every chunk would gather and sort
 * all the connection's remaining rows: quadratic in the list's size).
 */
export function* recordChunks(db: Db, connectionId: string, size: number): Generator<CachedRecord[]> {
  const stmt = db
    .prepare(
      `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE +connection_id = ? AND pk > ? ORDER BY pk LIMIT ?`,
    )
    .raw();
  let after = -1;
  for (;;) {
    const rows = stmt.all(connectionId, after, size) as ContactRow[];
    if (rows.length === 0) return;
    const lo = rows[0]![0];
    const hi = rows[rows.length - 1]![0];
    after = hi;
    yield attachChildren(db, rows, 'WHERE contact_pk BETWEEN ? AND ?', [lo, hi]);
  }
}

/**
 * The records of some pks, each once however often it is named, in pk order. The pks go to SQLite as one JSON
 * list per 50k (one statement per table, not one per few hundred pks: at a quarter of a million group members
 * preparing the statements alone took a second). Without `addresses` (a group's stored summary needs none) the
 * records have none.
 */
export function loadRecordsByPk(
  db: Db,
  pks: readonly number[],
  options: { readonly addresses?: boolean } = {},
): CachedRecord[] {
  const out: CachedRecord[] = [];
  const sorted = [...new Set(pks)].sort((a, b) => a - b);
  const contacts = db
    .prepare(
      `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE pk IN (SELECT value FROM json_each(?)) ORDER BY pk`,
    )
    .raw();
  for (let i = 0; i < sorted.length; i += 50_000) {
    const list = JSON.stringify(sorted.slice(i, i + 50_000));
    const rows = contacts.all(list) as ContactRow[];
    const where = 'WHERE contact_pk IN (SELECT value FROM json_each(?))';
    for (const r of attachChildren(db, rows, where, [list], options.addresses ?? true)) out.push(r);
  }
  return out;
}
