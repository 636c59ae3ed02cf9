import { agentServerMessage, coordinatorServerMessage, workflowServerMessage } from './workflow.js';
import { boardClientMessage, boardServerMessage } from './board.js';
import { clientControlMessage, serverControlVariants } from './controlMessages.js';
import { needs, type Permission } from './permissions.js';
import { ID_ACCEPTS, idSchema } from './common.js';
import { schemaParam, type QueryParams } from './queryParams.js';
import { RESUME_PARAMS } from './resumeQuery.js';
import { tagged, type Infer, type Schema } from './schema.js';
import type { Action } from './scopes.js';
import { clockStateSchema, transportClientMessage, transportServerMessage } from './transport.js';
import type { WsRouteName } from './wsRoutes.js';

/** The validators of one WebSocket route's messages, one per direction, and what they need. */
export interface WsRouteMessages<S = unknown, C = unknown> {
  /** Validates every message the server sends on this route. */
  readonly server: Schema<S>;
  /** Validates every message a client may send on this route. */
  readonly client: Schema<C>;
  /** The permission that opens the route (its read, rule A5). */
  readonly permission: Permission;
  /** The action each client message type needs, on the route's resource and target (rule A5). */
  readonly messages: Readonly<Record<string, Action>>;
  /** The optional query parameters the upgrade reads (rules P4, P5). */
  readonly query: QueryParams;
}

/** The action each client message type needs: one missing is a compile error (rule A5). */
export type MessagePermissions<C extends { type: string }> = { readonly [T in C['type']]: Action };

/** A route's validators; `query` keeps its own type, so the table says which carry the resume params. */
const route = <S, C extends { type: string }, Q extends QueryParams>(
  server: Schema<S>,
  client: Schema<C>,
  permission: Permission,
  messages: MessagePermissions<C>,
  query: Q,
) => ({ server, client, permission, messages, query });

const boardIdParam = schemaParam(ID_ACCEPTS, idSchema);

const probeOnly = { time_sync: 'read' } as const;
const transportCommands = {
  ...probeOnly,
  play: 'control',
  stop: 'control',
  pause: 'control',
  resume: 'control',
  seek: 'control',
  tempo: 'control',
  loop: 'control',
} as const;
const boardOps = {
  ...probeOnly,
  'card.create': 'write',
  'card.update': 'write',
  'card.move': 'write',
  'card.delete': 'write',
  'column.create': 'write',
  'column.update': 'write',
  'column.delete': 'write',
  'presence.update': 'read',
} as const;
const transportRead = needs('transport', 'read');
const monitorRead = needs('monitor', 'read');

const clockTyped = tagged('type', serverControlVariants);
/** Server messages of `/ws/transport/clock`: flat ticks, plus typed replies to probes. */
const clockServerMessage = (input: unknown, path: string) =>
  typeof input === 'object' && input !== null && 'type' in input
    ? clockTyped(input, path)
    : clockStateSchema(input, path);

/**
 * The message and query validators of every WebSocket route (rule P1). The server validates what clients
 * send with `client`; a client validates what it hears with `server` only when asked to (rule E3),
 * so a client bundle carries these schemas only if it imports this table.
 */
export const wsMessages = {
  workflow: route(
    workflowServerMessage,
    clientControlMessage,
    needs('workflow', 'read'),
    probeOnly,
    RESUME_PARAMS,
  ),
  coordinator: route(coordinatorServerMessage, clientControlMessage, monitorRead, probeOnly, {}),
  agent: route(agentServerMessage, clientControlMessage, monitorRead, probeOnly, {}),
  board: route(
    boardServerMessage,
    boardClientMessage,
    needs('board', 'read', 'board_id'),
    boardOps,
    { board_id: boardIdParam, ...RESUME_PARAMS },
  ),
  general: route(transportServerMessage, clientControlMessage, transportRead, probeOnly, {}),
  transport: route(
    transportServerMessage,
    transportClientMessage,
    transportRead,
    transportCommands,
    {},
  ),
  clock: route(clockServerMessage, clientControlMessage, transportRead, probeOnly, {}),
} as const satisfies Record<WsRouteName, WsRouteMessages>;

/** A message the server sends on WebSocket route `R`. */
export type ServerMessage<R extends WsRouteName> = Infer<(typeof wsMessages)[R]['server']>;
/** A message a client may send on WebSocket route `R`. */
export type ClientMessage<R extends WsRouteName> = Infer<(typeof wsMessages)[R]['client']>;
