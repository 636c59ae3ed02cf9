import type { AgentStatus } from '@liveline/protocol';
import type { MetricsSlice } from './MetricsSlices.js';

/** Stage latency samples kept for the percentiles. */
const LATENCY_SAMPLES = 500;
const MINUTE_MS = 60_000;

/** The coordinator's counters on this node: stage latencies and completions. */
export interface WorkflowMetrics {
  /** A stage took `ms` from start to completion. */
  stageDone(ms: number): void;
  /** A workflow completed. */
  completed(): void;
  /** This node's share of the metrics now, with its agents and its connected sockets. */
  slice(agents: readonly AgentStatus[], connectedClients: number): MetricsSlice;
}

/** Creates this node's {@link WorkflowMetrics}. */
export function createWorkflowMetrics(now: () => number): WorkflowMetrics {
  const latencies: number[] = [];
  const completions: number[] = [];
  // Only the last minute is read: older completions go, so the list stays bounded.
  const trim = (t: number): void => {
    while ((completions[0] ?? t) <= t - MINUTE_MS) completions.shift();
  };
  return {
    stageDone(ms) {
      latencies.push(ms);
      if (latencies.length > LATENCY_SAMPLES) latencies.shift();
    },
    completed() {
      const t = now();
      completions.push(t);
      trim(t);
    },
    slice(agents, connectedClients) {
      trim(now());
      return {
        agents,
        connected_clients: connectedClients,
        stage_latencies_ms: [...latencies],
        completed_at: [...completions],
      };
    },
  };
}
