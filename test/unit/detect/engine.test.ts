import { describe, expect, it } from 'vitest';
import { detect } from '../../../app/detect/engine';
import { defaultDetectSettings } from '../../../app/detect/settings';
import type { DetectRecord } from '../../../app/detect/types';

const settings = defaultDetectSettings();
const groupsOf = (records: DetectRecord[]) => {
  const r = detect(records, { settings });
  return r.groups.map((g) => ({
    ids: g.members.map((i) => records[i]!.id).sort(),
    lane: g.lane,
    reason: g.reason,
  }));
};

describe('detection engine', () => {
  it('groups a nickname + same email + same phone into one explained group', () => {
    const groups = groupsOf([
      {
        id: '1',
        givenName: 'William',
        familyName: 'Turner',
        emails: ['wturner@example.com'],
        phones: ['415-555-0101'],
      },
      {
        id: '2',
        givenName: 'Bill',
        familyName: 'Turner',
        emails: ['WTurner@example.com '],
        phones: ['(415) 555 0101'],
      },
      { id: '3', givenName: 'Alice', familyName: 'Moreau', emails: ['alice@example.org'] },
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.ids).toEqual(['1', '2']);
    expect(groups[0]!.reason).toContain('same email');
    expect(groups[0]!.reason).toContain('nickname Bill/William');
    expect(groups[0]!.reason).toContain('same phone');
    expect(groups[0]!.lane).toBe('needs_choice');
  });

  it('puts exact copies in the safe lane', () => {
    const rec = {
      givenName: 'Maria',
      familyName: 'Lopez',
      emails: ['maria.lopez@example.com'],
      phones: ['+1 212 555 0199'],
    };
    const groups = groupsOf([
      { id: 'a', ...rec },
      { id: 'b', ...rec },
    ]);
    expect(groups).toEqual([expect.objectContaining({ ids: ['a', 'b'], lane: 'safe' })]);
  });

  it('sends Sr./Jr. sharing an address and phone to "maybe two people"', () => {
    const base = {
      familyName: 'Brown',
      phones: ['617-555-0142'],
      addresses: [{ line1: '9 Elm St', postcode: '02139' }],
    };
    const groups = groupsOf([
      { id: 'sr', givenName: 'Robert', suffix: 'Sr.', ...base, emails: ['rbrown@example.com'] },
      { id: 'jr', givenName: 'Robert', suffix: 'Jr.', ...base, emails: ['rbrown@example.com'] },
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.lane).toBe('maybe_two_people');
    expect(groups[0]!.reason).toMatch(/Sr\.\/Jr\.|Jr\.\/Sr\./);
  });

  it('shows a family sharing one email as maybe two people', () => {
    const groups = groupsOf([
      {
        id: '1',
        givenName: 'John',
        familyName: 'Kowalski',
        emails: ['kowalski.family@example.com'],
        birthday: '1970-03-02',
      },
      {
        id: '2',
        givenName: 'Anna',
        familyName: 'Kowalski',
        emails: ['kowalski.family@example.com'],
        birthday: '1972-11-20',
      },
    ]);
    expect(groups).toEqual([expect.objectContaining({ lane: 'maybe_two_people' })]);
    expect(groups[0]!.reason).toContain('different given names');
  });

  it('does not group different people who only share a common name', () => {
    const groups = groupsOf([
      {
        id: '1',
        givenName: 'James',
        familyName: 'Smith',
        emails: ['js1@example.com'],
        birthday: '1960-01-01',
        addresses: [{ line1: '1 A St', postcode: '10001' }],
      },
      {
        id: '2',
        givenName: 'James',
        familyName: 'Smith',
        emails: ['js2@example.net'],
        birthday: '1991-07-09',
        addresses: [{ line1: '77 B Ave', postcode: '94110' }],
      },
      ...Array.from({ length: 40 }, (_, i) => ({
        id: `x${i}`,
        givenName: ['James', 'Mary', 'John'][i % 3]!,
        familyName: 'Smith',
      })),
    ]);
    expect(
      groups.find((g) => g.ids.includes('1') && g.ids.includes('2') && g.lane !== 'maybe_two_people'),
    ).toBeUndefined();
  });

  it('cuts a weak bridge between two people’s clusters (chaining guard)', () => {
    const groups = groupsOf([
      {
        id: 'a1',
        givenName: 'Ann',
        familyName: 'Lee',
        emails: ['ann.lee@example.com'],
        birthday: '1980-02-02',
      },
      {
        id: 'a2',
        givenName: 'Ann',
        familyName: 'Lee',
        emails: ['ann.lee@example.com'],
        birthday: '1980-02-02',
        phones: ['503-555-0110'],
      },
      {
        id: 'b1',
        givenName: 'Bob',
        familyName: 'Marsh',
        emails: ['bob.marsh@example.com'],
        birthday: '1950-09-09',
        phones: ['503-555-0110'],
      },
      {
        id: 'b2',
        givenName: 'Bob',
        familyName: 'Marsh',
        emails: ['bob.marsh@example.com'],
        birthday: '1950-09-09',
      },
    ]);
    const apart = groups.filter((g) => g.lane !== 'maybe_two_people').map((g) => g.ids);
    expect(apart.sort()).toEqual([
      ['a1', 'a2'],
      ['b1', 'b2'],
    ]);
    // The shared phone is shown on its own, as a doubtful pair, never as one group of four.
    expect(groups.filter((g) => g.lane === 'maybe_two_people').map((g) => g.ids)).toEqual([['a2', 'b1']]);
    expect(groups.every((g) => g.ids.length <= 2)).toBe(true);
  });

  it('never pairs records a person ruled out', () => {
    const records: DetectRecord[] = [
      { id: '1', givenName: 'Sam', familyName: 'Okafor', emails: ['sam@example.com'] },
      { id: '2', givenName: 'Sam', familyName: 'Okafor', emails: ['sam@example.com'] },
    ];
    const r = detect(records, { settings, isExcluded: (a, b) => [a.id, b.id].sort().join() === '1,2' });
    expect(r.groups).toHaveLength(0);
  });

  it('reports comparisons per blocking rule and skips oversized blocks', () => {
    const records: DetectRecord[] = Array.from({ length: 30 }, (_, i) => ({
      id: String(i),
      givenName: `Person${String.fromCharCode(97 + i)}`,
      familyName: `Family${i}`,
      emails: ['office@shared.example'],
    }));
    const r = detect(records, { settings: { ...settings, maxBlockSize: 10 } });
    const email = r.stats.rules.find((x) => x.rule === 'email')!;
    expect(email.skippedBlocks).toBe(1);
    expect(email.largestSkipped).toBe(30);
    expect(email.comparisons).toBe(0);
  });
});
