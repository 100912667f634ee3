import { describe, expect, it } from 'vitest';
import { detect } from '../../../app/detect/engine';
import { defaultDetectSettings } from '../../../app/detect/settings';
import { STRONG } from '../../../app/detect/lanes';
import type { DetectRecord } from '../../../app/detect/types';

const settings = defaultDetectSettings();

/** Each look-alike pair sits among unrelated contacts, as in a real list (the model estimates chance agreement). */
const crowd: DetectRecord[] = Array.from({ length: 60 }, (_, i) => ({
  id: `x${i}`,
  givenName: ['Amelia', 'Noah', 'Priya', 'Tomas', 'Grace', 'Omar'][i % 6]!,
  familyName: `Crowd${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
  emails: [`person${i}@mail.example`],
  phones: [`212-40${String(i).padStart(2, '0')}-1${String(i).padStart(3, '0')}`],
  addresses: [{ line1: `${i + 10} Crowd Street`, locality: 'Albany', postcode: `122${String(i % 10)}0` }],
}));

/** The group holding both records (their best lane), and the pair's own score. */
function pairOf(a: DetectRecord, b: DetectRecord) {
  const records = [a, b, ...crowd];
  const r = detect(records, { settings });
  const group = r.groups.find((g) => g.members.includes(0) && g.members.includes(1));
  const pair = r.pairs.find((p) => p.a === 0 && p.b === 1);
  return { group, pair };
}

const home = { line1: '12 Rue Laval Street', locality: 'Burlington', region: 'VT', postcode: '05401' };

describe('identity evidence', () => {
  it('father and son at one address with the same name, phone and street are never safe', () => {
    const { group } = pairOf(
      {
        id: 'f',
        givenName: 'Marc',
        familyName: 'Dubois',
        emails: ['marc.dubois@mail.example'],
        phones: ['802-555-0142'],
        addresses: [home],
      },
      {
        id: 's',
        givenName: 'Marc',
        familyName: 'Dubois',
        emails: ['mdubois88@mail.example'],
        phones: ['(802) 555-0142'],
        addresses: [home],
      },
    );
    expect(group?.lane).not.toBe('safe');
  });

  it('"Jr." written in the family name column sends the pair to maybe two people, below certainty', () => {
    const { group, pair } = pairOf(
      {
        id: 'f',
        givenName: 'Marc',
        familyName: 'Dubois',
        emails: ['marc.dubois@mail.example'],
        phones: ['802-555-0142'],
        addresses: [home],
      },
      {
        id: 's',
        givenName: 'Marc',
        familyName: 'Dubois Jr.',
        emails: ['mdubois88@mail.example'],
        phones: ['802 555 0142'],
        addresses: [home],
      },
    );
    expect(group?.lane).toBe('maybe_two_people');
    expect(pair!.probability).toBeLessThan(0.95);
    expect(group!.reason).toContain('Jr. on one record only');
  });

  it('birthdays decades apart on the same day and month are two people, not a typo', () => {
    const { group, pair } = pairOf(
      {
        id: 'f',
        givenName: 'Paul',
        familyName: 'Renaud',
        birthday: '1958-03-14',
        phones: ['802-555-0177'],
        addresses: [home],
        emails: ['paul.renaud@mail.example'],
      },
      {
        id: 's',
        givenName: 'Paul',
        familyName: 'Renaud',
        birthday: '1986-03-14',
        phones: ['802-555-0177'],
        addresses: [home],
        emails: ['prenaud86@mail.example'],
      },
    );
    expect(group?.lane).toBe('maybe_two_people');
    expect(pair!.probability).toBeLessThan(0.95);
    expect(group!.reason).toContain('born 1958 and 1986 on the same day');
  });

  it('a mover (same personal email and full name, new phone and address in another city) is a duplicate', () => {
    const { group, pair } = pairOf(
      {
        id: 'before',
        givenName: 'Jessica',
        familyName: 'Okonkwo',
        emails: ['jessica.okonkwo@mail.example'],
        phones: ['312-555-0101'],
        addresses: [{ line1: '400 Lake Shore Drive', locality: 'Chicago', region: 'IL', postcode: '60611' }],
      },
      {
        id: 'after',
        givenName: 'Jessica',
        familyName: 'Okonkwo',
        emails: ['Jessica.Okonkwo@mail.example'],
        phones: ['503-555-0199'],
        addresses: [{ line1: '17 Alder Street', locality: 'Portland', region: 'OR', postcode: '97205' }],
      },
    );
    expect(pair!.probability).toBeGreaterThanOrEqual(settings.threshold);
    expect(group?.lane).toBe('needs_choice');
  });

  it('swapped given and family names, one shortened, with the same email, phone and birthday are a duplicate', () => {
    const { group, pair } = pairOf(
      {
        id: 'a',
        givenName: 'Jim',
        familyName: 'Martinez',
        emails: ['jmartinez@mail.example'],
        phones: ['713-555-0111'],
        birthday: '1979-06-02',
      },
      {
        id: 'b',
        givenName: 'Martinez',
        familyName: 'James',
        emails: ['jmartinez@mail.example'],
        phones: ['713-555-0111'],
        birthday: '1979-06-02',
      },
    );
    expect(pair!.probability).toBeGreaterThanOrEqual(settings.threshold);
    expect(group?.lane).toBe('needs_choice');
    expect(group!.reason).toContain('given and family names swapped');
  });

  it('spouses sharing an email are maybe two people, scored below certainty, and the mailbox is no identity', () => {
    const { group, pair } = pairOf(
      {
        id: 'julie',
        givenName: 'Julie',
        familyName: 'Martin',
        emails: ['martins@mail.example'],
        phones: ['617-555-0123'],
        addresses: [home],
      },
      {
        id: 'ruth',
        givenName: 'Ruth',
        familyName: 'Martin',
        emails: ['martins@mail.example'],
        phones: ['617-555-0123'],
        addresses: [home],
      },
    );
    expect(group?.lane).toBe('maybe_two_people');
    expect(pair!.probability).toBeLessThan(0.95);
    expect(pair!.flags & STRONG).toBe(0);
  });

  it('exact copies sharing a personal email stay safe', () => {
    const rec = {
      givenName: 'Maria',
      familyName: 'Lopez',
      emails: ['maria.lopez@mail.example'],
      phones: ['+1 212 555 0199'],
    };
    const { group, pair } = pairOf({ id: 'a', ...rec }, { id: 'b', ...rec });
    expect(group?.lane).toBe('safe');
    expect(pair!.probability).toBeGreaterThan(0.99);
  });
});
