import type { CoordinatorMetrics, ServerMessage } from '@liveline/protocol';

/** One point of the coordinator chart. */
export interface MetricsSample {
  readonly at: number;
  readonly throughput: number;
  readonly p50: number;
  readonly p95: number;
}

/** The latest coordinator metrics and the samples of the last {@link HISTORY_MS}. */
export interface CoordinatorState {
  readonly metrics: CoordinatorMetrics | null;
  readonly history: readonly MetricsSample[];
}

/** How much history the chart keeps. */
export const HISTORY_MS = 5 * 60_000;

/** The state before the first metrics. */
export const INITIAL_COORDINATOR: CoordinatorState = { metrics: null, history: [] };

/** Folds one `/ws/coordinator` message: newest metrics, plus a chart sample. */
export function reduceCoordinator(
  state: CoordinatorState,
  message: ServerMessage<'coordinator'>,
): CoordinatorState {
  if (message.type !== 'metrics') return state;
  const m = message.data;
  const sample: MetricsSample = {
    at: m.timestamp_ms,
    throughput: m.completed_last_minute,
    p50: m.stage_latency_ms.p50,
    p95: m.stage_latency_ms.p95,
  };
  const history = [
    ...state.history.filter((s) => s.at > m.timestamp_ms - HISTORY_MS && s.at < m.timestamp_ms),
    sample,
  ];
  return { metrics: m, history };
}
