import type { ServerMessage } from '@liveline/protocol';

/** One point of the coordinator chart. */
export interface MetricsSample {
  readonly at: number;
  readonly throughput: number;
  readonly p50: number;
  readonly p95: number;
}

/** How much history the chart keeps. */
export const HISTORY_MS = 5 * 60_000;

/** The chart before the first metrics. */
export const NO_HISTORY: readonly MetricsSample[] = [];

/** Adds a `/ws/coordinator` metrics message to the chart's samples of the last {@link HISTORY_MS}. */
export function reduceMetricsHistory(
  history: readonly MetricsSample[],
  message: ServerMessage<'coordinator'>,
): readonly MetricsSample[] {
  if (message.type !== 'metrics') return history;
  const m = message.data;
  const sample: MetricsSample = {
    at: m.timestamp_ms,
    throughput: m.completed_last_minute,
    p50: m.stage_latency_ms.p50,
    p95: m.stage_latency_ms.p95,
  };
  return [
    ...history.filter((s) => s.at > m.timestamp_ms - HISTORY_MS && s.at < m.timestamp_ms),
    sample,
  ];
}
