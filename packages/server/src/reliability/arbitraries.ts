import {
  BPM_MAX,
  BPM_MIN,
  ERROR_CODES,
  MAX_POSITION_SECONDS,
  boardEventVariants,
  boardOpVariants,
  clientControlVariants,
  serverControlVariants,
  transportCommandVariants,
  workflowEventVariants,
} from '@liveline/protocol';
import fc from 'fast-check';

/** Every `type` tag the protocol knows, to aim random objects at the validators' branches. */
export const KNOWN_TYPES = [
  ...Object.keys(boardOpVariants),
  ...Object.keys(transportCommandVariants),
  ...Object.keys(boardEventVariants),
  ...Object.keys(workflowEventVariants),
  ...Object.keys(serverControlVariants),
  ...Object.keys(clientControlVariants),
  'snapshot',
  'resumed',
  'state',
  'metrics',
  'agent_status',
  'presence.update',
];

const FIELD_NAMES = [
  'type',
  'op_id',
  'column_id',
  'card_id',
  'title',
  'description',
  'index',
  'assignee',
  'name',
  'time_seconds',
  'bpm',
  'enabled',
  'start_seconds',
  'end_seconds',
  'id',
  't0',
  'seq',
  'epoch',
  'data',
  'event',
  'playing',
  'code',
  'message',
  'field',
  '__proto__',
  'constructor',
];

/** Objects shaped like messages (a known or unknown `type`, known field names, any values). */
export const messageLike = fc
  .tuple(
    fc.oneof(fc.constantFrom(...KNOWN_TYPES), fc.string(), fc.jsonValue()),
    fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string()), fc.jsonValue(), {
      maxKeys: 8,
    }),
  )
  .map(([type, fields]) => ({ ...fields, type }));

/** Anything a peer could hand a validator: JSON values, message-like objects, and non-JSON values. */
export const hostileValue = fc.oneof(
  fc.jsonValue(),
  messageLike,
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
  }),
);

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const opId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });
const seconds = fc.double({ min: 0, max: MAX_POSITION_SECONDS, noNaN: true });
const index = fc.nat({ max: 10_000 });
const withOptional = <T extends Record<string, unknown>>(
  required: fc.Arbitrary<T>,
  optional: Record<string, fc.Arbitrary<unknown>>,
) =>
  fc.tuple(required, fc.record(optional, { requiredKeys: [] })).map(([a, b]) => ({ ...a, ...b }));

/** Valid board client messages (every operation, presence and the clock probe). */
export const validBoardClientMessage: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  withOptional(
    fc.record({
      type: fc.constant('card.create'),
      op_id: opId,
      column_id: id,
      title: text(1, 200),
    }),
    {
      description: text(0, 300),
      card_id: id,
      index,
    },
  ),
  withOptional(fc.record({ type: fc.constant('card.update'), op_id: opId, card_id: id }), {
    title: text(1, 200),
    description: text(0, 300),
    assignee: fc.option(text(0, 100), { nil: null }),
  }),
  fc.record({ type: fc.constant('card.move'), op_id: opId, card_id: id, column_id: id, index }),
  fc.record({ type: fc.constant('card.delete'), op_id: opId, card_id: id }),
  withOptional(
    fc.record({ type: fc.constant('column.create'), op_id: opId, title: text(1, 200) }),
    {
      column_id: id,
      index,
    },
  ),
  fc.record({
    type: fc.constant('column.update'),
    op_id: opId,
    column_id: id,
    title: text(1, 200),
  }),
  fc.record({ type: fc.constant('column.delete'), op_id: opId, column_id: id }),
  fc.record({ type: fc.constant('presence.update'), name: text(1, 100) }),
  fc.record({
    type: fc.constant('time_sync'),
    id: fc.nat(),
    t0: fc.double({ noNaN: true, noDefaultInfinity: true }),
  }),
);

/** Valid transport commands, exactly as the DAW document gives them, with an optional `op_id`. */
export const validTransportCommand: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom('play', 'stop', 'pause', 'resume').map((type) => ({ type })),
      fc.record({ type: fc.constant('seek'), time_seconds: seconds }),
      fc.record({
        type: fc.constant('tempo'),
        bpm: fc.double({ min: BPM_MIN, max: BPM_MAX, noNaN: true }),
      }),
      withOptional(fc.record({ type: fc.constant('loop'), enabled: fc.boolean() }), {
        start_seconds: seconds,
        end_seconds: seconds,
      }),
    ),
    fc.record({ op_id: opId }, { requiredKeys: [] }),
  )
  .map(([command, extra]) => ({ ...command, ...extra }));

/** Valid server control messages every route may send. */
export const validServerControl: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    type: fc.constant('error'),
    data: withOptional(
      fc.record({ code: fc.constantFrom(...ERROR_CODES), message: text(0, 200) }),
      {
        field: text(0, 200),
        op_id: opId,
      },
    ),
  }),
  fc.record({
    type: fc.constant('ack'),
    data: withOptional(fc.record({ op_id: opId }), { seq: fc.nat(), duplicate: fc.boolean() }),
  }),
  fc.record({ type: fc.constant('heartbeat'), data: fc.record({ server_time: fc.nat() }) }),
);
