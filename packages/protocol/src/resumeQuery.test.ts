import { describe, expect, it } from 'vitest';
import { parseResumeQuery } from './resumeQuery.js';

describe('parseResumeQuery', () => {
  it('R3 parses a resume position and names a bad or half-given one', () => {
    expect(parseResumeQuery(new URLSearchParams(''))).toEqual({ ok: true, value: null });
    expect(parseResumeQuery(new URLSearchParams('epoch=e1&seq=0'))).toEqual({
      ok: true,
      value: { epoch: 'e1', seq: 0 },
    });
    for (const [query, field] of [
      ['epoch=e1', 'seq'],
      ['seq=3', 'epoch'],
      ['epoch=e1&seq=-1', 'seq'],
      ['epoch=e1&seq=1.5', 'seq'],
      ['epoch=&seq=1', 'epoch'],
    ] as const) {
      const result = parseResumeQuery(new URLSearchParams(query));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.field).toBe(field);
    }
  });
});
