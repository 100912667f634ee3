import { describe, expect, it } from 'vitest';
import { identityConflicts } from '../../app/merge/identity-conflicts';

const rec = (contactId: string, fields: Record<string, string | null>) => ({ contactId, fields });

describe('identityConflicts', () => {
  it('names different first names, a differing Sr./Jr. and different birthdays in words', () => {
    expect(
      identityConflicts([
        rec('1', { givenName: 'Drake', familyName: 'Braun', suffix: 'Sr.', birthday: '1950-02-01' }),
        rec('2', { givenName: 'Jaunita', familyName: 'Braun', suffix: 'Jr', birthday: '1980-03-04' }),
      ]),
    ).toEqual([
      'Different first names: Drake (#1) and Jaunita (#2)',
      'Sr./Jr. differs: Sr. on #1 and Jr. on #2',
      'Different birthdays: 1950-02-01 (#1) and 1980-03-04 (#2)',
    ]);
  });

  it('reads a generation written into the last name, and one record without one', () => {
    expect(
      identityConflicts([
        rec('1', { givenName: 'Harry', familyName: 'Roob Jr.' }),
        rec('2', { givenName: 'Harry' }),
      ]),
    ).toEqual(['Sr./Jr. differs: Jr. on #1 and no suffix on #2']);
  });

  it('finds nothing in a nickname, an initial or a missing value', () => {
    expect(
      identityConflicts([
        rec('1', { givenName: 'Jo', birthday: '1970-01-01' }),
        rec('2', { givenName: 'Joanna', birthday: null }),
        rec('3', { givenName: 'J.' }),
      ]),
    ).toEqual([]);
  });

  it("judges as detection's pair check does: a typo or a sound-alike first name is not a conflict", () => {
    expect(
      identityConflicts([
        rec('1', { givenName: 'Jonathan', familyName: 'Meyer' }),
        rec('2', { givenName: 'Jonathon', familyName: 'Meyer' }),
      ]),
    ).toEqual([]);
    expect(
      identityConflicts([
        rec('3', { givenName: 'Catherine', familyName: 'Meyer' }),
        rec('4', { givenName: 'Katherine', familyName: 'Meyer' }),
      ]),
    ).toEqual([]);
  });

  it('takes another first name on the same full birthday for a corrupted record, as detection does', () => {
    expect(
      identityConflicts([
        rec('1', { givenName: 'Drake', familyName: 'Braun', birthday: '1950-02-01' }),
        rec('2', { givenName: 'Jaunita', familyName: 'Braun', birthday: '1950-02-01' }),
      ]),
    ).toEqual([]);
  });
});
