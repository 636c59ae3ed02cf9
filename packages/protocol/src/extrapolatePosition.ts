import type { ClockState } from './transport.js';

/**
 * Where the playhead is at server time `serverNowMs`, extrapolated from a tick: it advances in real
 * time while playing and wraps inside an enabled loop (rule C2).
 */
export function extrapolatePosition(state: ClockState, serverNowMs: number): number {
  if (!state.playing) return state.time_seconds;
  const raw = state.time_seconds + Math.max(0, serverNowMs - state.timestamp_ms) / 1000;
  const length = state.loop_end_seconds - state.loop_start_seconds;
  if (!state.loop_enabled || length <= 0 || raw < state.loop_end_seconds) return raw;
  return state.loop_start_seconds + ((raw - state.loop_start_seconds) % length);
}
