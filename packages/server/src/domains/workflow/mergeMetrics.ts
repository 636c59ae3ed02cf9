import type { AgentStatus, CoordinatorMetrics } from '@liveline/protocol';
import type { WorkflowCounts } from '../../storage/Storage.js';
import type { MetricsSlice } from './MetricsSlices.js';

const MINUTE_MS = 60_000;
/** Which status an agent has when its copies on several nodes differ: the highest ranked. */
const RANK: Readonly<Record<AgentStatus['status'], number>> = { idle: 0, error: 1, working: 2 };

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

/** Which copy names the workflow, stage and last error: the newest of the highest status. */
const leading = (a: AgentStatus, b: AgentStatus): AgentStatus =>
  RANK[b.status] > RANK[a.status] || (b.status === a.status && b.updated_at > a.updated_at) ? b : a;

/** One agent's copies on the nodes (at least one) as one status (rule CM1). */
export const mergeAgent = (copies: readonly AgentStatus[]): AgentStatus => {
  const sum = (key: 'completed' | 'capacity' | 'active'): number =>
    copies.reduce((total, copy) => total + copy[key], 0);
  return {
    ...copies.reduce(leading),
    completed: sum('completed'),
    capacity: sum('capacity'),
    active: sum('active'),
    updated_at: Math.max(...copies.map((copy) => copy.updated_at)),
  };
};

/**
 * Every agent's status across nodes (rule CM1): `working` if any node's copy works, else `error`
 * if any has an error, else `idle`; completed, capacity and active summed; the workflow, stage and
 * last error of the newest copy with that status; the newest `updated_at`. Ordered as first seen.
 */
export function mergeAgentStatuses(copies: readonly (readonly AgentStatus[])[]): AgentStatus[] {
  const byName = new Map<string, AgentStatus[]>();
  for (const statuses of copies)
    for (const status of statuses) {
      const list = byName.get(status.name);
      if (list) list.push(status);
      else byName.set(status.name, [status]);
    }
  return [...byName.values()].map(mergeAgent);
}

/**
 * The coordinator metrics of the live nodes' slices (rule CM1): agents merged by name, clients
 * summed, latency percentiles over every node's samples, the completions of the last minute of
 * every node; the workflow counts are the stored runs' `runs`.
 */
export function mergeMetrics(
  slices: readonly MetricsSlice[],
  runs: WorkflowCounts,
  now: number,
): CoordinatorMetrics {
  const agents = mergeAgentStatuses(slices.map((s) => s.agents));
  const sorted = slices.flatMap((s) => s.stage_latencies_ms).sort((a, b) => a - b);
  return {
    workflows: {
      active: runs.running,
      queued: runs.queued,
      completed: runs.completed,
      failed: runs.failed,
      cancelled: runs.cancelled,
      interrupted: runs.interrupted,
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
    completed_last_minute: slices.reduce(
      (sum, s) => sum + s.completed_at.filter((at) => now - at < MINUTE_MS).length,
      0,
    ),
    connected_clients: slices.reduce((sum, s) => sum + s.connected_clients, 0),
    timestamp_ms: now,
  };
}
