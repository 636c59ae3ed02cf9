import { agentServerMessage, coordinatorServerMessage, workflowServerMessage } from './workflow.js';
import { boardClientMessage, boardServerMessage } from './board.js';
import { clientControlMessage, serverControlVariants } from './controlMessages.js';
import { tagged, type Infer, type Schema } from './schema.js';
import { clockStateSchema, transportClientMessage, transportServerMessage } from './transport.js';
import type { WsRouteName } from './wsRoutes.js';

/** The validators of one WebSocket route's messages, one per direction. */
export interface WsRouteMessages<S = unknown, C = unknown> {
  /** Validates every message the server sends on this route. */
  readonly server: Schema<S>;
  /** Validates every message a client may send on this route. */
  readonly client: Schema<C>;
}

const clockTyped = tagged('type', serverControlVariants);
/** Server messages of `/ws/transport/clock`: flat ticks, plus typed replies to probes. */
const clockServerMessage = (input: unknown, path: string) =>
  typeof input === 'object' && input !== null && 'type' in input
    ? clockTyped(input, path)
    : clockStateSchema(input, path);

/**
 * The message validators of every WebSocket route (rule P1). The server validates what clients
 * send with `client`; a client validates what it hears with `server` only when asked to (rule E3),
 * so a client bundle carries these schemas only if it imports this table.
 */
export const wsMessages = {
  workflow: { server: workflowServerMessage, client: clientControlMessage },
  coordinator: { server: coordinatorServerMessage, client: clientControlMessage },
  agent: { server: agentServerMessage, client: clientControlMessage },
  board: { server: boardServerMessage, client: boardClientMessage },
  general: { server: transportServerMessage, client: clientControlMessage },
  transport: { server: transportServerMessage, client: transportClientMessage },
  clock: { server: clockServerMessage, client: clientControlMessage },
} as const satisfies Record<WsRouteName, WsRouteMessages>;

/** A message the server sends on WebSocket route `R`. */
export type ServerMessage<R extends WsRouteName> = Infer<(typeof wsMessages)[R]['server']>;
/** A message a client may send on WebSocket route `R`. */
export type ClientMessage<R extends WsRouteName> = Infer<(typeof wsMessages)[R]['client']>;
