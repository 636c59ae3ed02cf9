import type { AgentStatus } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import type { MetricsSlice } from './MetricsSlices.js';
import { mergeAgentStatuses, mergeMetrics } from './mergeMetrics.js';

const agent = (overrides: Partial<AgentStatus>): AgentStatus => ({
  name: 'editor',
  status: 'idle',
  workflow_id: null,
  stage: null,
  completed: 0,
  capacity: 2,
  active: 0,
  last_error: null,
  updated_at: 1,
  ...overrides,
});

const slice = (overrides: Partial<MetricsSlice>): MetricsSlice => ({
  agents: [],
  connected_clients: 0,
  stage_latencies_ms: [],
  completed_at: [],
  ...overrides,
});

const NOW = 1_000_000;

describe('coordinator metrics merged from per-node slices (PROTOCOL.md CM1)', () => {
  it('CM1 one slice is itself: the embedded node’s agents come back unchanged', () => {
    const own = [
      agent({ name: 'editor', status: 'working', workflow_id: 'wf1', stage: 'edit', active: 1 }),
      agent({ name: 'renderer', status: 'error', last_error: 'boom', completed: 3 }),
    ];
    expect(mergeAgentStatuses([own])).toEqual(own);
  });

  it('CM1 an agent is working if any node’s copy works (its workflow and stage from the newest working copy), else error if any errs, else idle; completed, capacity and active are summed', () => {
    const merged = mergeAgentStatuses([
      [
        agent({ name: 'editor', status: 'error', last_error: 'old', completed: 1, updated_at: 5 }),
        agent({ name: 'renderer', status: 'idle', completed: 2 }),
        agent({ name: 'screenwriter', status: 'idle' }),
      ],
      [
        agent({
          name: 'editor',
          status: 'working',
          workflow_id: 'a',
          stage: 'edit',
          active: 1,
          updated_at: 3,
        }),
        agent({ name: 'renderer', status: 'error', last_error: 'ffmpeg', updated_at: 7 }),
        agent({ name: 'screenwriter', status: 'idle', updated_at: 9 }),
      ],
      [
        agent({
          name: 'editor',
          status: 'working',
          workflow_id: 'b',
          stage: 'edit',
          active: 2,
          updated_at: 4,
        }),
        agent({ name: 'renderer', status: 'error', last_error: 'older', updated_at: 6 }),
      ],
    ]);
    expect(merged).toEqual([
      agent({
        name: 'editor',
        status: 'working',
        workflow_id: 'b',
        stage: 'edit',
        completed: 1,
        capacity: 6,
        active: 3,
        updated_at: 5,
      }),
      agent({
        name: 'renderer',
        status: 'error',
        last_error: 'ffmpeg',
        completed: 2,
        capacity: 6,
        updated_at: 7,
      }),
      agent({ name: 'screenwriter', status: 'idle', capacity: 4, updated_at: 9 }),
    ]);
  });

  it('CM1 clients and the last minute’s completions are summed over the nodes, percentiles are over every node’s samples, agents are counted once per name, the stored runs’ counts are the workflows’ (running as active)', () => {
    const metrics = mergeMetrics(
      [
        slice({
          agents: [
            agent({ name: 'editor', status: 'working', active: 1 }),
            agent({ name: 'renderer' }),
          ],
          connected_clients: 3,
          stage_latencies_ms: [10, 30],
          completed_at: [NOW - 60_000, NOW - 59_999],
        }),
        slice({
          agents: [agent({ name: 'editor' }), agent({ name: 'renderer', status: 'error' })],
          connected_clients: 4,
          stage_latencies_ms: [20, 40],
          completed_at: [NOW - 1],
        }),
      ],
      { queued: 0, running: 1, completed: 2, failed: 3, cancelled: 4, interrupted: 5 },
      NOW,
    );
    expect(metrics).toEqual({
      workflows: { active: 1, queued: 0, completed: 2, failed: 3, cancelled: 4, interrupted: 5 },
      agents: { busy: 1, idle: 0, error: 1 },
      stage_latency_ms: { p50: 30, p95: 40, p99: 40, samples: 4 },
      completed_last_minute: 2,
      connected_clients: 7,
      timestamp_ms: NOW,
    });
  });
});
