import { describe, expect, it } from 'vitest';
import { chooseValue, pickSurvivor, rankCandidates } from '../../../app/merge/survivorship';

const recs = [
  { contactId: 'a', createdAt: '2024-01-01', updatedAt: '2025-01-01', completeness: 5 },
  { contactId: 'b', createdAt: '2020-01-01', updatedAt: '2026-01-01', completeness: 9 },
  { contactId: 'c', createdAt: '2022-01-01', updatedAt: null, completeness: 9 },
];

describe('survivor rules', () => {
  it('picks the most complete, oldest on a tie', () => {
    expect(pickSurvivor('most_complete', recs).contactId).toBe('b');
    expect(rankCandidates('most_complete', recs).map((r) => r.contactId)).toEqual(['b', 'c', 'a']);
  });
  it('picks the most recently updated, undated last', () => {
    expect(rankCandidates('most_recently_updated', recs).map((r) => r.contactId)).toEqual(['b', 'a', 'c']);
  });
  it('picks the oldest record and says which rule chose it', () => {
    const pick = pickSurvivor('oldest', recs);
    expect(pick.contactId).toBe('b');
    expect(pick.reason).toContain('oldest');
  });
});

describe('field rules', () => {
  const withValues = (values: (string | null)[]) => recs.map((r, i) => ({ ...r, value: values[i] ?? null }));
  it('prefer non-empty keeps the survivor value, or fills an empty survivor', () => {
    expect(chooseValue('prefer_non_empty', withValues(['x', 'y', null]))).toMatchObject({
      contactId: 'a',
      rule: 'prefer_non_empty',
    });
    expect(chooseValue('prefer_non_empty', withValues([null, 'y', 'z']))).toMatchObject({
      contactId: 'b',
      rule: 'prefer_non_empty',
    });
  });
  it('most recent / oldest / most complete choose among non-empty values', () => {
    expect(chooseValue('most_recent', withValues(['x', 'y', 'z'])).contactId).toBe('b');
    expect(chooseValue('oldest', withValues(['x', null, 'z'])).contactId).toBe('c');
    expect(chooseValue('most_complete', withValues(['x', null, 'z'])).contactId).toBe('c');
  });
  it('survivor wins even when empty', () => {
    expect(chooseValue('survivor', withValues([null, 'y', 'z'])).contactId).toBe('a');
  });
  it('flags identical and single values', () => {
    expect(chooseValue('most_recent', withValues(['x', 'x', 'x'])).rule).toBe('identical');
    expect(chooseValue('survivor', withValues([null, 'y', null]))).toMatchObject({
      contactId: 'b',
      rule: 'only_value',
    });
    expect(chooseValue('survivor', withValues([null, null, null])).contactId).toBeNull();
  });
});
