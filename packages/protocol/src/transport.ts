import { opIdSchema } from './common.js';
import { clientControlVariants, serverControlVariants } from './controlMessages.js';
import { boolean, number, object, optional, tagged, type Infer, type TaggedOf } from './schema.js';

/** Samples per second used for `sample_pos`. */
export const SAMPLE_RATE_HZ = 44_100;
/** Tempo bounds accepted by `tempo`. */
export const BPM_MIN = 20;
/** Tempo bounds accepted by `tempo`. */
export const BPM_MAX = 400;
/** The longest position a `seek` may target (24 h). */
export const MAX_POSITION_SECONDS = 86_400;
/** The clock's default broadcast rate. */
export const CLOCK_RATE_HZ = 30;

const seconds = number({ min: 0, max: MAX_POSITION_SECONDS });
const stateShape = {
  playing: boolean,
  time_seconds: seconds,
  sample_pos: number({ min: 0, int: true }),
  bpm: number({ min: BPM_MIN, max: BPM_MAX }),
  beat_pos: number({ min: 0 }),
  timestamp_ms: number({ min: 0 }),
};

/** The `data` of `/ws` and `/ws/transport` `state` messages, exactly as the DAW document gives it. */
export const transportStateSchema = object(stateShape);
/** The transport position valid at server time `timestamp_ms`. */
export type TransportState = Infer<typeof transportStateSchema>;

/** A `/ws/transport/clock` tick: a flat object, exactly as the DAW document gives it (rule C1). */
export const clockStateSchema = object({
  ...stateShape,
  loop_enabled: boolean,
  loop_start_seconds: seconds,
  loop_end_seconds: seconds,
});
/** A clock tick: the transport with its loop, valid at server time `timestamp_ms`. */
export type ClockState = Infer<typeof clockStateSchema>;

const op = { op_id: optional(opIdSchema) };

/** Transport commands, exactly as the DAW document shows them, plus `loop` and an optional `op_id`. */
export const transportCommandVariants = {
  play: op,
  stop: op,
  pause: op,
  resume: op,
  seek: { time_seconds: seconds, ...op },
  tempo: { bpm: number({ min: BPM_MIN, max: BPM_MAX }), ...op },
  loop: {
    enabled: boolean,
    start_seconds: optional(seconds),
    end_seconds: optional(seconds),
    ...op,
  },
};
/** A transport command (also the body of `POST /api/transport`). */
export type TransportCommand = TaggedOf<'type', typeof transportCommandVariants>;

/** Server messages of `/ws` and `/ws/transport`. */
export const transportServerMessage = tagged('type', {
  ...serverControlVariants,
  state: { data: transportStateSchema },
});
/** A server message of `/ws` or `/ws/transport`. */
export type TransportServerMessage = Infer<typeof transportServerMessage>;

/** Client messages of `/ws/transport`: the commands and the clock-sync probe. */
export const transportClientMessage = tagged('type', {
  ...clientControlVariants,
  ...transportCommandVariants,
});
/** A client message of `/ws/transport`. */
export type TransportClientMessage = Infer<typeof transportClientMessage>;
