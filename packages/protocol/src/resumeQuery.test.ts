import { describe, expect, it } from 'vitest';
import { readQuery } from './queryParams.js';
import { RESUME_PARAMS, resumePositionOf } from './resumeQuery.js';
import { parse } from './schema.js';

/** The resume position of a query string, as an ordered route's upgrade reads it. */
const resumeOf = (query: string) =>
  parse(() => resumePositionOf(readQuery(RESUME_PARAMS, new URLSearchParams(query))), query);

describe('resumePositionOf', () => {
  it('R3 reads a resume position from the validated query and names a bad or half-given one', () => {
    expect(resumeOf('')).toEqual({ ok: true, value: null });
    expect(resumeOf('epoch=e1&seq=0')).toEqual({ ok: true, value: { epoch: 'e1', seq: 0 } });
    for (const [query, field] of [
      ['epoch=e1', 'seq'],
      ['seq=3', 'epoch'],
      ['epoch=e1&seq=-1', 'seq'],
      ['epoch=e1&seq=1.5', 'seq'],
      ['epoch=&seq=1', 'epoch'],
    ] as const) {
      const result = resumeOf(query);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.field).toBe(field);
    }
  });
});
