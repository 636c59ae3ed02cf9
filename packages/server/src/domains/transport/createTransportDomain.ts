import {
  MAX_POSITION_SECONDS,
  SAMPLE_RATE_HZ,
  clockStateSchema,
  extrapolatePosition,
  parse,
  type ClockState,
  type TransportCommand,
  type TransportState,
} from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import { errorKind } from '../../causeKind.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { Broker } from '../../rooms/Broker.js';
import type { VersionedDocument } from '../../storage/Storage.js';
import { createTickLoop, type TickLoop } from '../createTickLoop.js';
import { createTurns } from '../createTurns.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import { retryUntilDone } from '../retryUntilDone.js';
import type { AnchorReplica } from './AnchorReplica.js';
import { appliedOpIds, withOpId } from './anchorOpIds.js';

/** Latest rooms of the DAW transport: typed `state` messages and flat clock ticks. */
export const TRANSPORT_ROOMS = { state: 'transport:state', clock: 'transport:clock' } as const;

/** Commits a command tries on the newest anchor before it gives up, when other nodes keep winning. */
const COMMIT_ATTEMPTS = 8;
/** The loop region a fresh transport has (as in the DAW document). */
const DEFAULT_LOOP_END_SECONDS = 10;

/** The authoritative DAW transport. */
export interface TransportDomain {
  /** Restores the stored anchor and starts the clock. */
  start(): Promise<void>;
  /** The clock state now. */
  state(): ClockState;
  /**
   * Applies one command once its anchor is committed (rules S3, TA1); the new state is broadcast
   * at once. A command whose op id the anchor holds is a `duplicate`: nothing changes (rule C5).
   */
  command(
    command: TransportCommand,
  ): Promise<{ ok: true; state: ClockState; duplicate: boolean } | DomainFailure>;
  /**
   * Stops the clock, after the command under way, and hands the transport as it is now to the
   * anchor's `leave` (rule TA2); a failure to store it is logged, not thrown.
   */
  stop(): Promise<void>;
}

/** The `data` of `state` messages: the clock state without the loop. */
export const toTransportState = (s: ClockState): TransportState => ({
  playing: s.playing,
  time_seconds: s.time_seconds,
  sample_pos: s.sample_pos,
  bpm: s.bpm,
  beat_pos: s.beat_pos,
  timestamp_ms: s.timestamp_ms,
});

const at = (anchor: ClockState, nowMs: number, change: Partial<ClockState> = {}): ClockState => {
  const base = { ...anchor, ...change, timestamp_ms: nowMs };
  // A position commanded past the end of an enabled loop is wrapped into it at once, as the clock
  // wraps a played one: else the answer and a paused playhead say one place and the next tick
  // (or play) another (rule C4).
  const time = Math.min(
    MAX_POSITION_SECONDS,
    'time_seconds' in change
      ? extrapolatePosition({ ...base, playing: true }, nowMs)
      : extrapolatePosition(anchor, nowMs),
  );
  return {
    ...base,
    time_seconds: time,
    sample_pos: Math.round(time * SAMPLE_RATE_HZ),
    beat_pos: (time * base.bpm) / 60,
  };
};

const initialState = (t: number): ClockState => ({
  playing: false,
  time_seconds: 0,
  sample_pos: 0,
  bpm: 120,
  beat_pos: 0,
  loop_enabled: false,
  loop_start_seconds: 0,
  loop_end_seconds: DEFAULT_LOOP_END_SECONDS,
  timestamp_ms: t,
});

/**
 * Creates the transport; `start` restores its anchor from `anchors` and runs its clock at
 * `clockRateHz`. The clock ticks locally; only commands go through `anchors`, whose newer anchors
 * (from other nodes) replace the local one as they arrive.
 */
export function createTransportDomain(deps: {
  broker: Broker;
  anchors: AnchorReplica;
  log: Logger;
  now: () => number;
  clockRateHz: number;
}): TransportDomain {
  const { broker, anchors, log } = deps;
  // Whole milliseconds, as the DAW document's `timestamp_ms` (rule C1): a client may read it as an
  // integer. Every state is computed at such a millisecond, so its position is the one at its stamp.
  const now = (): number => Math.floor(deps.now());
  let anchor: ClockState = initialState(now());
  /** The op ids of the newest commands applied, stored with the anchor (rule C5). */
  let opIds: readonly string[] = [];
  let version = 0;
  let loop: TickLoop | null = null;
  let stopped = false;
  // Commands are applied one at a time, each on the state the one before it stored.
  const turns = createTurns();

  const broadcast = (): void => {
    const state = at(anchor, now());
    // Each tick is serialized once and the same string goes to every subscriber.
    broker.setLatest(TRANSPORT_ROOMS.clock, encodeMessage('clock', state));
    broker.setLatest(
      TRANSPORT_ROOMS.state,
      encodeMessage('transport', { type: 'state', data: toTransportState(state) }),
    );
  };

  /**
   * Takes `stored` if it is newer than the anchor held (or `force`d: what storage holds now) and
   * valid; answers whether the anchor changed.
   */
  const adopt = (stored: VersionedDocument, force = false): boolean => {
    if (!force && stored.version <= version) return false;
    if (force) version = stored.version;
    const parsed = parse(clockStateSchema, stored.value);
    if (!parsed.ok) {
      if (stored.value !== null) log.warn('transport.anchor_invalid', { version: stored.version });
      return false;
    }
    anchor = parsed.value;
    opIds = appliedOpIds(stored.value);
    version = stored.version;
    return true;
  };

  /** Whether the stored anchor was read: until then a command would overwrite it with defaults. */
  let loaded = false;
  /** Whether the first load failed, so that a later one is a recovery. */
  let reloading = false;
  const load = async (): Promise<void> => {
    const stored = await anchors.load();
    // An anchor another node published while this one loaded may be newer than the row read.
    adopt(stored, stored.version >= version);
    loaded = true;
    broadcast();
    if (reloading) log.info('transport.load_recovered', {});
  };

  const restore = async (): Promise<void> => {
    if (stopped) return;
    anchors.listen((remote) => {
      if (adopt(remote)) broadcast();
    });
    try {
      await load();
    } catch (error) {
      log.warn('transport.load_failed', { error: errorMessage(error) });
      broadcast();
      reloading = true;
      retryUntilDone(
        () => turns.run(async () => (loaded ? undefined : load())),
        () => stopped,
      );
    }
    if (!stopped) loop = createTickLoop(deps.clockRateHz, broadcast);
  };

  const apply = (command: TransportCommand, t: number): ClockState | DomainFailure => {
    switch (command.type) {
      case 'play':
      case 'resume':
        return at(anchor, t, { playing: true, time_seconds: at(anchor, t).time_seconds });
      case 'pause':
        return at(anchor, t, { playing: false, time_seconds: at(anchor, t).time_seconds });
      case 'stop':
        return at(anchor, t, { playing: false, time_seconds: 0 });
      case 'seek':
        return at(anchor, t, { time_seconds: command.time_seconds });
      case 'tempo':
        return at(anchor, t, { bpm: command.bpm, time_seconds: at(anchor, t).time_seconds });
      case 'loop': {
        const start = command.start_seconds ?? anchor.loop_start_seconds;
        const end = command.end_seconds ?? anchor.loop_end_seconds;
        if (end <= start)
          return domainFailure(
            'invalid_field',
            `end_seconds must be greater than start_seconds (${start})`,
            'end_seconds',
          );
        return at(anchor, t, {
          loop_enabled: command.enabled,
          loop_start_seconds: start,
          loop_end_seconds: end,
          time_seconds: at(anchor, t).time_seconds,
        });
      }
    }
  };

  return {
    start: () => turns.run(restore),
    state: () => at(anchor, now()),
    command: (command) =>
      turns.run(async () => {
        if (!loaded)
          try {
            await load();
          } catch (error) {
            return domainFailure(
              'unavailable',
              `command not applied: the stored transport state cannot be read: ${errorKind(error)}`,
            );
          }
        for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt += 1) {
          // Checked on every attempt: a conflict may bring the anchor a lost answer stored.
          if (command.op_id !== undefined && opIds.includes(command.op_id))
            return { ok: true, state: at(anchor, now()), duplicate: true };
          const next = apply(command, now());
          if ('ok' in next) return next;
          const committing = version + 1;
          const nextOpIds = withOpId(opIds, command.op_id);
          let commit;
          try {
            commit = await anchors.commit({
              version: committing,
              value: { ...next, op_ids: nextOpIds },
            });
          } catch (error) {
            return domainFailure('unavailable', `command not applied: ${errorKind(error)}`);
          }
          if (commit.kind === 'ok') {
            // A later anchor built on this one may have arrived from another node meanwhile.
            if (version < committing) {
              anchor = next;
              opIds = nextOpIds;
              version = committing;
              broadcast();
            }
            return { ok: true, state: next, duplicate: false };
          }
          // Another node's command came first: this one applies on top of it (rule TA1).
          if (adopt(commit.current, true)) broadcast();
        }
        return domainFailure(
          'unavailable',
          'command not applied: other nodes kept changing the transport',
        );
      }),
    stop() {
      stopped = true;
      loop?.stop();
      return turns.run(async () => {
        // An anchor never read is left as stored: defaults would overwrite it.
        if (!loaded) return;
        try {
          await anchors.leave({
            version: version + 1,
            value: { ...at(anchor, now()), op_ids: opIds },
          });
        } catch (error) {
          log.warn('transport.leave_failed', { error: errorMessage(error) });
        }
      });
    },
  };
}
