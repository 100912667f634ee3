import { describe, expect, it } from 'vitest';
import { parseName, nicknameGroups, shareNickname } from '../../../app/detect/normalise/names';
import { normaliseEmail } from '../../../app/detect/normalise/email';
import { normalisePhone } from '../../../app/detect/normalise/phone';
import { normaliseAddress } from '../../../app/detect/normalise/address';
import { normaliseDate } from '../../../app/detect/normalise/date';
import { fold } from '../../../app/detect/normalise/text';
import { extractFeatures } from '../../../app/detect/features';
import { compareAll, FIELDS } from '../../../app/detect/compare';

const levels = () => new Int8Array(FIELDS.length);

describe('normalisers', () => {
  it('folds accents, case and punctuation', () => {
    expect(fold("  Zoë O'Brien-Núñez ")).toBe('zoe o brien nunez');
    expect(fold('STRAßE Øster')).toBe('strasse oster');
  });

  it('knows nicknames in both directions', () => {
    expect(shareNickname(nicknameGroups('bill'), nicknameGroups('william'))).toBe(true);
    expect(shareNickname(nicknameGroups('peggy'), nicknameGroups('margaret'))).toBe(true);
    expect(shareNickname(nicknameGroups('bill'), nicknameGroups('margaret'))).toBe(false);
  });

  it('detects generational suffixes and drops titles', () => {
    expect(parseName('Dr. John', 'Smith Jr.')).toMatchObject({
      given: 'john',
      family: 'smith',
      suffix: 'jr',
    });
    expect(parseName('John', 'Smith', 'III')).toMatchObject({ suffix: 'iii' });
    expect(parseName('Junior', 'Sr')).toMatchObject({ given: 'junior', family: 'sr', suffix: '' });
  });

  it('folds Gmail dots and plus tags as a separate key, keeping the exact address', () => {
    const e = normaliseEmail('  John.Smith+shop@GoogleMail.com ')!;
    expect(e.exact).toBe('john.smith+shop@googlemail.com');
    expect(e.folded).toBe('johnsmith@gmail.com');
    expect(normaliseEmail('j.smith@example.com')!.folded).toBe('j.smith@example.com');
    expect(normaliseEmail('not an email')).toBeNull();
  });

  it('puts phone numbers written differently on one E.164 form', () => {
    const forms = ['(415) 555-2671', '415.555.2671', '+1 415 555 2671', '001 415 555 2671'];
    expect(new Set(forms.map((p) => normalisePhone(p, 'US')))).toEqual(new Set(['+14155552671']));
    expect(normalisePhone('020 7946 0018', 'GB')).toBe('+442079460018');
    expect(normalisePhone('12', 'US')).toBeNull();
  });

  it('normalises street abbreviations, units and ZIP+4', () => {
    const a = normaliseAddress({ line1: '12 North Main Street, Apt 4', postcode: '94110-1234' });
    const b = normaliseAddress({ line1: '12 N. Main St.', postcode: '94110' });
    expect(a.street).toBe(b.street);
    expect(a.streetNumber).toBe('12');
    expect(a.postcode).toBe(b.postcode);
  });

  it('reads birth dates in common shapes and drops placeholders', () => {
    expect(normaliseDate('19560409')).toBe('1956-04-09');
    expect(normaliseDate('1956-04-09T00:00:00Z')).toBe('1956-04-09');
    expect(normaliseDate('25/12/1980')).toBe('1980-12-25');
    expect(normaliseDate('1900-01-01')).toBe('');
    expect(normaliseDate('soon')).toBe('');
  });
});

describe('comparison levels', () => {
  it('scores a nickname, a Gmail-dot variant and a reformatted phone as agreements', () => {
    const a = extractFeatures(
      {
        id: 'a',
        givenName: 'William',
        familyName: 'Smith',
        emails: ['will.smith@gmail.com'],
        phones: ['(415) 555-2671'],
      },
      'US',
    );
    const b = extractFeatures(
      {
        id: 'b',
        givenName: 'Bill',
        familyName: 'Smith',
        emails: ['willsmith@gmail.com'],
        phones: ['+1 415 555 2671'],
      },
      'US',
    );
    const l = levels();
    compareAll(a, b, l);
    expect(FIELDS[0]!.levels[l[0]!]).toBe('nickname');
    expect(FIELDS[3]!.levels[l[3]!]).toBe('folded');
    expect(FIELDS[4]!.levels[l[4]!]).toBe('exact');
  });

  it('recognises swapped given and family names', () => {
    const a = extractFeatures({ id: 'a', givenName: 'Chen', familyName: 'Wei' }, 'US');
    const b = extractFeatures({ id: 'b', givenName: 'Wei', familyName: 'Chen' }, 'US');
    const l = levels();
    expect(compareAll(a, b, l)).toBe(true);
    expect(l[0]).toBe(0);
    expect(l[1]).toBe(0);
  });

  it('treats a missing field as missing, not as a disagreement', () => {
    const a = extractFeatures({ id: 'a', givenName: 'Ann', emails: ['ann@example.com'] }, 'US');
    const b = extractFeatures({ id: 'b', givenName: 'Ann' }, 'US');
    const l = levels();
    compareAll(a, b, l);
    expect(l[3]).toBe(-1);
  });
});
