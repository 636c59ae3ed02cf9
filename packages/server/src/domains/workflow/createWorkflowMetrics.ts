import type { AgentStatus, CoordinatorMetrics, Workflow } from '@liveline/protocol';

/** Stage latency samples kept for the percentiles. */
const LATENCY_SAMPLES = 500;
const MINUTE_MS = 60_000;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

/** The coordinator's counters: stage latencies and completions, summed up as its metrics. */
export interface WorkflowMetrics {
  /** A stage took `ms` from start to completion. */
  stageDone(ms: number): void;
  /** A workflow completed. */
  completed(): void;
  /** The metrics now. */
  read(
    workflows: readonly Workflow[],
    agents: readonly AgentStatus[],
    connectedClients: number,
  ): CoordinatorMetrics;
}

/** Creates the coordinator's {@link WorkflowMetrics}. */
export function createWorkflowMetrics(now: () => number): WorkflowMetrics {
  const latencies: number[] = [];
  const completions: number[] = [];
  return {
    stageDone(ms) {
      latencies.push(ms);
      if (latencies.length > LATENCY_SAMPLES) latencies.shift();
    },
    completed() {
      // Only the last minute is read: older completions go, so the list stays bounded.
      const t = now();
      completions.push(t);
      while ((completions[0] ?? t) <= t - MINUTE_MS) completions.shift();
    },
    read(all, agents, connectedClients) {
      const count = (status: Workflow['status']): number =>
        all.filter((w) => w.status === status).length;
      const sorted = [...latencies].sort((a, b) => a - b);
      const t = now();
      return {
        workflows: {
          active: count('running'),
          queued: count('queued'),
          completed: count('completed'),
          failed: count('failed'),
          cancelled: count('cancelled'),
          interrupted: count('interrupted'),
        },
        agents: {
          busy: agents.filter((a) => a.status === 'working').length,
          idle: agents.filter((a) => a.status === 'idle').length,
          error: agents.filter((a) => a.status === 'error').length,
        },
        stage_latency_ms: {
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          samples: sorted.length,
        },
        completed_last_minute: completions.filter((at) => t - at < MINUTE_MS).length,
        connected_clients: connectedClients,
        timestamp_ms: t,
      };
    },
  };
}
