import { epochMsSchema, idSchema, opIdSchema } from './common.js';
import {
  clientControlVariants,
  ordered,
  orderedControlVariants,
  serverControlVariants,
} from './controlMessages.js';
import {
  array,
  nullable,
  number,
  object,
  oneOf,
  optional,
  string,
  tagged,
  type Infer,
  type TaggedOf,
} from './schema.js';

const title = string({ min: 1, max: 200 });
const description = string({ max: 5000 });
const index = number({ min: 0, int: true });

/** A card on the board. */
export const cardSchema = object({
  id: idSchema,
  column_id: idSchema,
  title,
  description,
  assignee: nullable(string({ max: 100 })),
  updated_at: epochMsSchema,
});
/** A card on the board. */
export type Card = Infer<typeof cardSchema>;

/** A column and the ids of its cards, top to bottom. */
export const columnSchema = object({ id: idSchema, title, card_ids: array(idSchema) });
/** A column. */
export type Column = Infer<typeof columnSchema>;

/** Someone on the board. */
export const presenceSchema = object({
  client_id: string({ max: 64 }),
  name: string({ max: 100 }),
});
/** Someone on the board. */
export type Presence = Infer<typeof presenceSchema>;

/** The most names a `presence` message lists; `count` still says how many are there. */
export const PRESENCE_LIST_MAX = 50;

/**
 * Who is on a board (rule B3): a latest value, not an ordered event, so that people coming and
 * going neither fill the replay history nor cost every client the whole list on every join.
 */
export const presenceSummarySchema = object({
  count: number({ min: 0, int: true }),
  people: array(presenceSchema, { max: PRESENCE_LIST_MAX }),
});
/** Who is on a board. */
export type PresenceSummary = Infer<typeof presenceSummarySchema>;

/**
 * The most cards a board holds (rule B4): every snapshot carries the whole board and every
 * operation stores it, so a board may not grow without bound. Generous for a Kanban board.
 */
export const BOARD_CARDS_MAX = 2000;
/** The most columns a board holds (rule B4). */
export const BOARD_COLUMNS_MAX = 100;
/**
 * The most bytes a board's JSON (its `board_id`, columns and cards, UTF-8) takes (rule B4): every
 * join sends it whole and every op stores it.
 */
export const BOARD_BYTES_MAX = 512 * 1024;

/** A whole board: the snapshot of `/ws/connect` and the reply of `GET /api/boards/{id}`. */
export const boardSchema = object({
  board_id: idSchema,
  columns: array(columnSchema),
  cards: array(cardSchema),
});
/** A whole board. */
export type Board = Infer<typeof boardSchema>;

const op = { op_id: opIdSchema };
/** Board operations. Each carries `op_id`; the server applies an `op_id` once per board (rule B2). */
export const boardOpVariants = {
  'card.create': {
    ...op,
    column_id: idSchema,
    title,
    description: optional(description),
    card_id: optional(idSchema),
    index: optional(index),
  },
  'card.update': {
    ...op,
    card_id: idSchema,
    title: optional(title),
    description: optional(description),
    assignee: optional(nullable(string({ max: 100 }))),
  },
  'card.move': { ...op, card_id: idSchema, column_id: idSchema, index },
  'card.delete': { ...op, card_id: idSchema },
  'column.create': { ...op, title, column_id: optional(idSchema), index: optional(index) },
  'column.update': { ...op, column_id: idSchema, title },
  'column.delete': { ...op, column_id: idSchema },
};
/** A board operation (also the body of `POST /api/boards/{id}/ops`). */
export type BoardOp = TaggedOf<'type', typeof boardOpVariants>;

/** Client messages of `/ws/connect`: operations, presence and the clock-sync probe. */
export const boardClientMessage = tagged('type', {
  ...clientControlVariants,
  ...boardOpVariants,
  'presence.update': { name: string({ min: 1, max: 100 }) },
});
/** A client message of `/ws/connect`. */
export type BoardClientMessage = Infer<typeof boardClientMessage>;

/** The longest token `sub` the server accepts (rule A2), so an actor id always fits. */
export const MAX_SUBJECT_LENGTH = 256;

/** Who caused an event: the verified token's `sub` and `name` (`name` falls back to `sub`). */
export const actorSchema = object({
  id: string({ min: 1, max: MAX_SUBJECT_LENGTH }),
  name: string({ min: 1, max: 100 }),
});
/** Who caused an event. */
export type Actor = Infer<typeof actorSchema>;

/** Every event names the operation that caused it and, with auth on, who sent it (rule B1). */
const by = { op_id: nullable(opIdSchema), actor: optional(actorSchema) };
/** Ordered board events (rule B1), each applied by {@link applyBoardEvent}. */
export const boardEventVariants = {
  'card.created': ordered(object({ ...by, card: cardSchema, index })),
  'card.updated': ordered(object({ ...by, card: cardSchema })),
  'card.moved': ordered(
    object({ ...by, card_id: idSchema, column_id: idSchema, index, at: epochMsSchema }),
  ),
  'card.deleted': ordered(object({ ...by, card_id: idSchema })),
  'column.created': ordered(object({ ...by, column: columnSchema, index })),
  'column.updated': ordered(object({ ...by, column_id: idSchema, title })),
  'column.deleted': ordered(object({ ...by, column_id: idSchema })),
};
/** One ordered board event. */
export const boardEventSchema = tagged('type', boardEventVariants);
/** One ordered board event. */
export type BoardEvent = Infer<typeof boardEventSchema>;

/** The greeting of `/ws/connect`, byte-compatible with the Kanban document (rule B0). */
export const boardGreetingSchema = object({
  event: oneOf(['connected']),
  data: object({
    client_id: string({ max: 64 }),
    message: string({ max: 200 }),
    board_id: nullable(idSchema),
    server_time: string({ max: 40 }),
  }),
});
/** The greeting of `/ws/connect`. */
export type BoardGreeting = Infer<typeof boardGreetingSchema>;

const boardTyped = tagged('type', {
  ...serverControlVariants,
  ...orderedControlVariants(boardSchema),
  ...boardEventVariants,
  presence: { data: presenceSummarySchema },
});

/** Server messages of `/ws/connect`: the greeting (keyed `event`), then typed messages. */
export const boardServerMessage = (input: unknown, path: string) =>
  typeof input === 'object' && input !== null && 'event' in input
    ? boardGreetingSchema(input, path)
    : boardTyped(input, path);
/** A server message of `/ws/connect`. */
export type BoardServerMessage = BoardGreeting | Infer<typeof boardTyped>;
