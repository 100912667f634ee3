import type { CountryCode } from 'libphonenumber-js/min';
import type { DetectRecord, Features } from './types';
import { nicknameGroups, parseName, phonetic } from './normalise/names';
import { isRoleLocal, normaliseEmail } from './normalise/email';
import { normalisePhone, phoneTail } from './normalise/phone';
import { normaliseAddress, normaliseCompany } from './normalise/address';
import { normaliseDate } from './normalise/date';
import { Interner } from './normalise/text';

const EMPTY: readonly string[] = [];

export function extractFeatures(r: DetectRecord, region: CountryCode, pool = new Interner()): Features {
  const name = parseName(r.givenName, r.familyName, r.suffix);
  const middle = name.middle || parseName(r.middleName, '').given;
  const emails: string[] = [];
  const folded: string[] = [];
  const locals: string[] = [];
  for (const raw of r.emails ?? EMPTY) {
    const e = normaliseEmail(raw);
    if (!e || emails.includes(e.exact)) continue;
    emails.push(e.exact);
    // Most addresses fold to themselves: share the string rather than keep a copy per record.
    const f = e.folded === e.exact ? e.exact : e.folded;
    if (!folded.includes(f)) folded.push(f);
    if (e.local.length >= 4 && !isRoleLocal(e.local) && !locals.includes(e.local)) locals.push(e.local);
  }
  const phones: string[] = [];
  const tails: string[] = [];
  const rawPhones = r.phones ?? EMPTY;
  for (let i = 0; i < rawPhones.length; i++) {
    const p = r.phonesE164?.[i] ?? normalisePhone(rawPhones[i], region);
    if (!p || phones.includes(p)) continue;
    phones.push(p);
    const t = phoneTail(p);
    if (t && !tails.includes(t)) tails.push(t);
  }
  const address = normaliseAddress(r.addresses?.[0] ?? {});
  const given = pool.get(name.given);
  const family = pool.get(name.family);
  return {
    id: r.id,
    source: r.source ?? '',
    given,
    middle,
    family,
    givenPh: phonetic(given),
    familyPh: phonetic(family),
    nick: nicknameGroups(given),
    suffix: name.suffix,
    emails: emails.length ? emails : EMPTY,
    emailsFolded: folded.length === 0 ? EMPTY : sameList(folded, emails) ? emails : folded,
    emailLocals: locals.length ? locals : EMPTY,
    phones: phones.length ? phones : EMPTY,
    phoneTails: tails.length ? tails : EMPTY,
    // High-cardinality values are not interned: hashing every one costs more than the memory it saves.
    dob: normaliseDate(r.birthday),
    postcode: address.postcode,
    streetNumber: address.streetNumber,
    street: address.street,
    locality: pool.get(address.locality),
    region: pool.get(address.region),
    company: normaliseCompany(r.company),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
