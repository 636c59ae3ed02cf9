import { describe, expect, it } from 'vitest';
import { createIdleSweep } from './createIdleSweep.js';

describe('createIdleSweep', () => {
  it('drops nothing before anything could be idle, then at most every quarter of the idle time', () => {
    const swept: number[] = [];
    const createdAt = 1_000;
    const sweep = createIdleSweep(
      400,
      () => createdAt,
      (t) => swept.push(t),
    );

    for (const t of [1_000, 1_399, 1_400, 1_450, 1_499, 1_500, 1_700]) sweep(t);

    expect(swept).toEqual([1_400, 1_500, 1_700]);
  });
});
