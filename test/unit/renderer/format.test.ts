import { describe, expect, it } from 'vitest';
import { plural, pluralWord, withArticle } from '../../../renderer/src/lib/format';

describe('plurals in the UI', () => {
  it('says one thing in the singular and every other count in the plural', () => {
    expect(plural(1, 'comparison')).toBe('1 comparison');
    expect(plural(0, 'comparison')).toBe('0 comparisons');
    expect(plural(2, 'tag')).toBe('2 tags');
    expect(plural(1, 'group')).toBe('1 group');
  });

  it('takes the irregular plural when one is given', () => {
    expect(plural(1, 'column is', 'columns are')).toBe('1 column is');
    expect(plural(3, 'column is', 'columns are')).toBe('3 columns are');
    expect(plural(2, 'person', 'people')).toBe('2 people');
  });

  it('groups the digits of large counts as the reader expects', () => {
    expect(plural(1200, 'group')).toBe(`${(1200).toLocaleString()} groups`);
  });

  it('gives the word alone for a count shown in its own element', () => {
    expect(pluralWord(1, 'connection')).toBe('connection');
    expect(pluralWord(4, 'connection')).toBe('connections');
    expect(pluralWord(0, 'user')).toBe('users');
  });
});

describe('articles before a CRM name', () => {
  it('reads "a Keap account" and "an ActiveCampaign account"', () => {
    expect(withArticle('Keap')).toBe('a Keap');
    expect(withArticle('ActiveCampaign')).toBe('an ActiveCampaign');
  });
});
