import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '@liveline/protocol';
import { NO_RUN_COUNTS, reduceRunCounts } from './runCounts';

const metrics = (active: number, completed: number, p50 = 0): ServerMessage<'coordinator'> => ({
  type: 'metrics',
  data: {
    workflows: { active, queued: 0, completed, failed: 0, cancelled: 0, interrupted: 0 },
    agents: { busy: active, idle: 6 - active, error: 0 },
    stage_latency_ms: { p50, p95: p50, p99: p50, samples: 1 },
    completed_last_minute: completed,
    connected_clients: 1,
    timestamp_ms: 1,
  },
});

describe('reduceRunCounts: the recent runs list refetches when a run changes status anywhere', () => {
  it('changes when a run starts or ends', () => {
    const idle = reduceRunCounts(NO_RUN_COUNTS, metrics(0, 3));
    const running = reduceRunCounts(idle, metrics(1, 3));
    expect(running).not.toBe(idle);
    expect(reduceRunCounts(running, metrics(0, 4))).not.toBe(running);
  });

  it('stays equal while only latencies and clients move', () => {
    const counts = reduceRunCounts(NO_RUN_COUNTS, metrics(1, 3, 100));
    expect(reduceRunCounts(counts, metrics(1, 3, 900))).toBe(counts);
  });
});
