import {
  extrapolatePosition,
  type ClientMessage,
  type ClockState,
  type WsRouteName,
} from '@liveline/protocol';
import { addListener, type Listeners } from './addListener.js';
import type { Channel } from './createChannel.js';

/** Options of {@link createClockSync}. */
export interface ClockSyncOptions {
  /** The monotonic clock, in epoch milliseconds. @default the client environment's `now` */
  readonly now: () => number;
  /** Probes sent, one after another, after each (re)connect; at least one. @default 5 */
  readonly probes?: number;
  /** Lowest-RTT samples kept. @default 8 */
  readonly samples?: number;
  /** A position jump larger than this is a seek and is published. @default 0.05 */
  readonly jumpSeconds?: number;
}

/** What clock sync knows. */
export interface ClockSyncState {
  /** The last clock tick that changed the transport (play, pause, seek, tempo, loop). */
  readonly anchor: ClockState | null;
  /** Server clock minus local clock, from the lowest-RTT probe. */
  readonly offsetMs: number | null;
  /** Round trip of that probe. */
  readonly rttMs: number | null;
}

/** NTP-style clock sync and playhead extrapolation over one channel (rule T1). */
export interface ClockSync {
  /** The current estimate; changes only on transport changes and new estimates. */
  readonly getState: () => ClockSyncState;
  /** Hears state changes; holds the channel open until unsubscribed, unless `passive`. */
  readonly subscribe: (listener: () => void, passive?: boolean) => () => void;
  /** The server's clock now (or at local time `at`). */
  serverNow(at?: number): number;
  /**
   * The playhead in seconds, extrapolated from the newest tick (rule C2); `null` before a tick and
   * before the first probe's answer, so nothing is drawn at the device's clock and then jumps.
   */
  position(at?: number): number | null;
}

interface TimeSyncReply {
  readonly id: number;
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
}

interface Sample {
  readonly offset: number;
  readonly rtt: number;
}

/** The fields whose change is a transport change, besides the position itself. */
const TRANSPORT_FIELDS = [
  'playing',
  'bpm',
  'loop_enabled',
  'loop_start_seconds',
  'loop_end_seconds',
] as const;

const changed = (a: ClockState, b: ClockState, jump: number) =>
  TRANSPORT_FIELDS.some((field) => a[field] !== b[field]) ||
  Math.abs(extrapolatePosition(a, b.timestamp_ms) - b.time_seconds) > jump;

/** Creates clock sync over `channel`; ticks are read when the route is `clock`. */
export function createClockSync<R extends WsRouteName>(
  channel: Channel<R>,
  options: ClockSyncOptions,
): ClockSync {
  const { now, probes = 5, samples: keep = 8, jumpSeconds = 0.05 } = options;
  const listeners: Listeners<() => void> = new Map();
  let state: ClockSyncState = { anchor: null, offsetMs: null, rttMs: null };
  let latest: ClockState | null = null;
  let samples: Sample[] = [];
  /** The sample the published offset comes from. */
  let estimate: Sample | undefined;
  let probeId = 0;
  let left = 0;

  const publish = (next: ClockSyncState) => {
    state = next;
    listeners.forEach((l) => l());
  };
  const probe = () => {
    left--;
    channel.send({ type: 'time_sync', id: ++probeId, t0: now() } as ClientMessage<R>);
  };
  const onReply = ({ id, t0, t1, t2 }: TimeSyncReply) => {
    if (id !== probeId) return;
    const t3 = now();
    samples = [...samples, { offset: (t1 - t0 + (t2 - t3)) / 2, rtt: t3 - t0 - (t2 - t1) }]
      .sort((a, b) => a.rtt - b.rtt)
      .slice(0, keep);
    const best = samples[0];
    // A probe with a shorter round trip than the estimate's replaces it at once. After a reconnect
    // a slower one waits for its round's best: one probe on a congested, asymmetric path would
    // move a good estimate, and the playhead, back. Listeners hear nothing while it stands.
    if (best && best !== estimate && (left < 1 || best.rtt < (state.rttMs ?? Infinity)))
      publish({ ...state, offsetMs: (estimate = best).offset, rttMs: best.rtt });
    if (left > 0) probe();
  };
  const onTick = (tick: ClockState) => {
    const prev = latest;
    latest = tick;
    if (!prev || !state.anchor || changed(prev, tick, jumpSeconds))
      publish({ ...state, anchor: tick });
  };
  let wasOpen = false;
  const onState = () => {
    const open = channel.getState().status === 'open';
    // Each reconnect may take another network path, or reach another node: re-estimate from
    // scratch (the estimate stands until a probe beats it or the round ends).
    if (open && !wasOpen) {
      samples = [];
      left = probes;
      probe();
    }
    wasOpen = open;
  };
  // The sync listens for its whole life, passively: its active subscribers hold the channel open.
  channel.subscribe(onState, true);
  channel.onMessage((message) => {
    if ('timestamp_ms' in message) return onTick(message);
    // Only ticks carry `timestamp_ms`; of the other messages, only `time_sync` replies matter.
    const reply = message as { type?: string; data?: TimeSyncReply };
    if (reply.type === 'time_sync' && reply.data) onReply(reply.data);
  }, true);
  onState();

  const serverNow = (at = now()) => at + (state.offsetMs ?? 0);
  return {
    getState: () => state,
    subscribe(listener, passive) {
      const remove = addListener(listeners, listener);
      const hold = passive ? null : channel.subscribe(() => {});
      return () => {
        hold?.();
        remove();
      };
    },
    serverNow,
    position: (at) =>
      latest && state.offsetMs !== null ? extrapolatePosition(latest, serverNow(at)) : null,
  };
}
