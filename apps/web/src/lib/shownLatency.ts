import type { CoordinatorMetrics } from '@liveline/protocol';

/**
 * A stage latency percentile as the pages show it, or "—" while the server has no sample (no
 * stage finished since it started): its 0 then measures nothing.
 */
export const shownLatency = (
  latency: CoordinatorMetrics['stage_latency_ms'],
  percentile: 'p50' | 'p95',
  format: (ms: number) => string,
): string => (latency.samples === 0 ? '—' : format(latency[percentile]));
