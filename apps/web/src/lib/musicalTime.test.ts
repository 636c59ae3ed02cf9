import { describe, expect, it } from 'vitest';
import { seekByKey } from './musicalTime';

// 120 BPM: a beat is 0.5 s, a bar 2 s; the view is 16 bars, its first ending at 32 s.
const at = (key: string, seconds: number) => seekByKey(key, seconds, 120, 32);

describe('seekByKey: the DAW timeline is a slider a keyboard can seek', () => {
  it('arrows move to the next or previous beat on the grid', () => {
    expect(at('ArrowRight', 3.3)).toBe(3.5);
    expect(at('ArrowUp', 3.5)).toBe(4);
    expect(at('ArrowLeft', 3.3)).toBe(3);
    expect(at('ArrowDown', 3)).toBe(2.5);
  });

  it('Page Up and Page Down move a bar; a position a rounding away from a line counts as on it', () => {
    expect(at('PageUp', 0)).toBe(2);
    expect(at('PageUp', 3.9996)).toBe(6);
    expect(at('PageDown', 4.0004)).toBe(2);
  });

  it('Home goes to the start and End to the last beat of the view; no step goes before the start', () => {
    expect(at('Home', 17)).toBe(0);
    expect(at('End', 17)).toBe(31.5);
    expect(at('ArrowLeft', 0.2)).toBe(0);
    expect(at('PageDown', 1)).toBe(0);
    expect(at('ArrowLeft', 0)).toBe(0);
    expect(at('PageDown', 0)).toBe(0);
  });

  it('a step past the end of the view goes on into the next, as the view pages with the playhead', () => {
    expect(at('PageUp', 31)).toBe(32);
    expect(at('ArrowRight', 31.5)).toBe(32);
  });

  it('other keys do not seek', () => {
    expect(at('Enter', 3)).toBeNull();
    expect(at(' ', 3)).toBeNull();
  });
});
