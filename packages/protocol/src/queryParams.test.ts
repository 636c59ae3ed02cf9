import { describe, expect, it } from 'vitest';
import { queryParam, readQuery } from './queryParams.js';
import { parse } from './schema.js';

const count = queryParam('a digit', (text) => (/^\d$/.test(text) ? Number(text) : undefined));

describe('readQuery', () => {
  it('P4 reads the parameters present, leaves out absent ones and ignores others', () => {
    expect(readQuery({ a: count, b: count }, new URLSearchParams('a=3&z=1&z=2'))).toEqual({ a: 3 });
  });

  it('P4 a parameter given twice is refused naming it, even with equal or valid values', () => {
    for (const query of ['a=1&a=1', 'a=1&a=', 'b=2&a=1&a=2']) {
      const result = parse(
        (search) => readQuery({ a: count, b: count }, search as URLSearchParams),
        new URLSearchParams(query),
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_field', field: 'a' } });
    }
  });

  it('P4 a bad value names the parameter and says what it accepts', () => {
    expect(
      parse((s) => readQuery({ a: count }, s as URLSearchParams), new URLSearchParams('a=x')),
    ).toMatchObject({ ok: false, error: { field: 'a', message: 'a: expected a digit' } });
    expect(count.accepts).toBe('a digit');
  });
});
