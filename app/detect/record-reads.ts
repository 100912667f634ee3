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

type Address = NonNullable<DetectRecord['addresses']>[number];

/**
 * One record refilled for each contact a walk visits (its lists and address too): valid only during the visit.
 * A full scan keeps nothing of a record but its normalised features, so a million contacts need not each be
 * built as an object with four lists first.
 */
interface VisitedRecord extends CachedRecord {
  id: string;
  pk: number;
  updatedAt: string | null;
  givenName: string | null;
  middleName: string | null;
  familyName: string | null;
  suffix: string | null;
  company: string | null;
  birthday: string | null;
  readonly emails: string[];
  readonly phones: string[];
  readonly phonesE164: (string | null)[];
  readonly addresses: Address[];
}

function visitedRecord(): VisitedRecord {
  return {
    pk: 0,
    id: '',
    updatedAt: null,
    givenName: null,
    middleName: null,
    familyName: null,
    suffix: null,
    company: null,
    birthday: null,
    emails: [],
    phones: [],
    phonesE164: [],
    addresses: [],
  };
}

/**
 * Contacts and their emails, phones and addresses, read as raw arrays (no per-row objects with named properties)
 * and joined by walking the pk-ordered child rows alongside the pk-ordered contacts: no per-chunk maps.
 */
function walkChildren(
  db: Db,
  rows: readonly ContactRow[],
  where: string,
  params: unknown[],
  withAddresses: boolean,
  visit: (r: VisitedRecord) => void,
): void {
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
  const out = visitedRecord();
  const address = { line1: null, line2: null, locality: null, region: null, postcode: null } as {
    line1: string | null;
    line2: string | null;
    locality: string | null;
    region: string | null;
    postcode: string | null;
  };
  let e = 0;
  let p = 0;
  let a = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const pk = r[0];
    out.emails.length = 0;
    out.phones.length = 0;
    out.phonesE164.length = 0;
    out.addresses.length = 0;
    while (e < emails.length && emails[e]![0] < pk) e++;
    while (e < emails.length && emails[e]![0] === pk) out.emails.push(emails[e++]![1]);
    while (p < phones.length && phones[p]![0] < pk) p++;
    while (p < phones.length && phones[p]![0] === pk) {
      out.phones.push(phones[p]![1]);
      out.phonesE164.push(phones[p]![2]);
      p++;
    }
    while (a < addresses.length && addresses[a]![0] < pk) a++;
    while (a < addresses.length && addresses[a]![0] === pk) {
      const [, line1, line2, locality, region, postcode] = addresses[a++]!;
      // The first address with anything to match on.
      if (out.addresses.length === 0 && (line1 || postcode || locality)) {
        address.line1 = line1;
        address.line2 = line2;
        address.locality = locality;
        address.region = region;
        address.postcode = postcode;
        out.addresses.push(address);
      }
    }
    out.pk = pk;
    out.id = r[1];
    out.updatedAt = r[8];
    out.givenName = r[2];
    out.middleName = r[3];
    out.familyName = r[4];
    out.suffix = r[5];
    out.company = r[6];
    out.birthday = r[7];
    visit(out);
  }
}

/** A visited record as an object of its own. */
function copyOf(r: VisitedRecord): CachedRecord {
  const first = r.addresses[0];
  return {
    pk: r.pk,
    id: r.id,
    updatedAt: r.updatedAt,
    givenName: r.givenName,
    middleName: r.middleName,
    familyName: r.familyName,
    suffix: r.suffix,
    company: r.company,
    birthday: r.birthday,
    emails: r.emails.length ? r.emails.slice() : NO_STRINGS,
    phones: r.phones.length ? r.phones.slice() : NO_STRINGS,
    phonesE164: r.phonesE164.slice(),
    addresses: first ? [{ ...first }] : NO_ADDRESSES,
  };
}

/**
 * A connection's contact rows in pk order, a chunk at a time, each with the statement that reads its emails, phones
 * and addresses. The chunk is a walk of the table in rowid order from the last pk (`+connection_id` keeps SQLite off
 * the connection index, through which every chunk would gather and sort all the connection's remaining rows:
 * quadratic in the list's size).
 */
function* contactChunks(
  db: Db,
  connectionId: string,
  size: number,
): Generator<{ rows: ContactRow[]; where: string; params: unknown[] }> {
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
    after = rows[rows.length - 1]![0];
    yield { rows, where: 'WHERE contact_pk BETWEEN ? AND ?', params: [lo, after] };
  }
}

/** A connection's records in pk order, a chunk at a time. */
export function* recordChunks(db: Db, connectionId: string, size: number): Generator<CachedRecord[]> {
  for (const { rows, where, params } of contactChunks(db, connectionId, size)) {
    const out: CachedRecord[] = [];
    walkChildren(db, rows, where, params, true, (r) => out.push(copyOf(r)));
    yield out;
  }
}

/**
 * Every record of a connection in pk order, as `recordChunks` reads them, handed to `visit` one at a time in one
 * refilled object (keep nothing of it but copies); `afterChunk` runs between chunks (progress, cancellation).
 */
export function visitRecords(
  db: Db,
  connectionId: string,
  size: number,
  visit: (r: CachedRecord) => void,
  afterChunk: () => void,
): void {
  for (const { rows, where, params } of contactChunks(db, connectionId, size)) {
    walkChildren(db, rows, where, params, true, visit);
    afterChunk();
  }
}

/**
 * The pks go to SQLite as one JSON list per statement (one statement per table and list, not one per few hundred
 * pks: at a quarter of a million group members preparing the statements alone took a second), 5,000 at a time so
 * a list's raw rows die young instead of being promoted beside what is kept of them.
 */
const PKS_PER_STATEMENT = 5_000;

/** Visits the records of some pks, each once however often it is named, in pk order (see `walkChildren`). */
function visitRecordsByPk(
  db: Db,
  pks: readonly number[],
  withAddresses: boolean,
  visit: (r: VisitedRecord) => void,
): void {
  const sorted = [...new Set(pks)].sort((a, b) => a - b);
  const contacts = db
    .prepare(
      `SELECT ${CONTACT_COLUMNS} FROM contacts WHERE pk IN (SELECT value FROM json_each(?)) ORDER BY pk`,
    )
    .raw();
  for (let i = 0; i < sorted.length; i += PKS_PER_STATEMENT) {
    const list = JSON.stringify(sorted.slice(i, i + PKS_PER_STATEMENT));
    const rows = contacts.all(list) as ContactRow[];
    const where = 'WHERE contact_pk IN (SELECT value FROM json_each(?))';
    walkChildren(db, rows, where, [list], withAddresses, visit);
  }
}

/**
 * The records of some pks, each once however often it is named, in pk order. Without `addresses` the records have
 * none.
 */
export function loadRecordsByPk(
  db: Db,
  pks: readonly number[],
  options: { readonly addresses?: boolean } = {},
): CachedRecord[] {
  const out: CachedRecord[] = [];
  visitRecordsByPk(db, pks, options.addresses ?? true, (r) => out.push(copyOf(r)));
  return out;
}

/** What a stored group keeps of each member: its keys, its last update and the text the group is found by. */
export interface GroupMember {
  readonly pk: number;
  readonly id: string;
  readonly updatedAt: string | null;
  /** Names, emails and phones as the contact has them, space-separated. */
  readonly search: string;
}

export function groupMemberOf(r: CachedRecord): GroupMember {
  return {
    pk: r.pk,
    id: r.id,
    updatedAt: r.updatedAt,
    search: [r.givenName, r.familyName, ...(r.emails ?? []), ...(r.phones ?? [])].filter(Boolean).join(' '),
  };
}

/**
 * The group members of some pks, each once, in pk order: a full scan's groups hold a quarter of its contacts at a
 * million, and a member is a fraction of a record's memory.
 */
export function loadGroupMembers(db: Db, pks: readonly number[]): GroupMember[] {
  const out: GroupMember[] = [];
  visitRecordsByPk(db, pks, false, (r) => out.push(groupMemberOf(r)));
  return out;
}
