import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, parseFilter, textMatches } from '../../../app/sandbox/keap/filter';

describe('Keap v2 filter parsing', () => {
  it('splits clauses on ; and reads every operator', () => {
    expect(parseFilter('email==john*;contact_id>=5;ids==1,2,3;')).toEqual([
      { field: 'email', op: '==', value: 'john*' },
      { field: 'contact_id', op: '>=', value: '5' },
      { field: 'ids', op: '==', value: '1,2,3' },
    ]);
    expect(parseFilter('id!=4')[0]!.op).toBe('!=');
    expect(parseFilter('id<4')[0]!.op).toBe('<');
  });

  it('keeps ISO timestamps intact (colons, dots)', () => {
    expect(parseFilter('start_update_time==2026-01-01T00:00:00.000Z')[0]!.value).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it('treats empty input as no filter and rejects clauses without an operator', () => {
    expect(parseFilter('')).toEqual([]);
    expect(parseFilter(null)).toEqual([]);
    expect(() => parseFilter('email:john')).toThrow(FilterSyntaxError);
  });

  it('matches case-insensitively with a trailing * as prefix wildcard', () => {
    expect(textMatches('John.Smith@x.com', 'john*')).toBe(true);
    expect(textMatches('John.Smith@x.com', 'john')).toBe(false);
    expect(textMatches('John', 'JOHN')).toBe(true);
    expect(textMatches(null, 'a*')).toBe(false);
  });
});
