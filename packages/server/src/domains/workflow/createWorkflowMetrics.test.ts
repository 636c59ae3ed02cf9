import { describe, expect, it } from 'vitest';
import { workflowCountsOf } from '../../storage/workflowCounts.js';
import { createWorkflowMetrics } from './createWorkflowMetrics.js';
import { mergeMetrics } from './mergeMetrics.js';

describe('a node’s workflow counters', () => {
  it('completions older than a minute leave the slice: after 61 s without one, completed_last_minute is 0 and the slice holds none (the list stays bounded)', () => {
    let now = 0;
    const counters = createWorkflowMetrics(() => now);
    counters.completed();
    now = 30_000;
    counters.completed();
    const read = () => mergeMetrics([counters.slice([], 0)], workflowCountsOf([]), now);
    expect(read().completed_last_minute).toBe(2);
    now = 61_000;
    expect(counters.slice([], 0).completed_at).toEqual([30_000]);
    expect(read().completed_last_minute).toBe(1);
    now = 30_000 + 61_000;
    expect(counters.slice([], 0).completed_at).toEqual([]);
    expect(read().completed_last_minute).toBe(0);
  });
});
