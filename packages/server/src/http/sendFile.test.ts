import { describe, expect, it } from 'vitest';
import { parseRange } from './sendFile.js';

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=900-', { start: 900, end: 999 }],
    ['bytes=950-2000', { start: 950, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=5-1', null],
    ['bytes=0-1,5-9', null],
    ['items=0-1', null],
  ])('W6 Range %s of a 1000-byte file is %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});
