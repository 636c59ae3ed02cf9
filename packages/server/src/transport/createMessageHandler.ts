import {
  CloseCode,
  type ClientControlMessage,
  type ErrorCode,
  opIdSchema,
  parse,
  parseJson,
  routes,
  type WsRoute,
} from '@liveline/protocol';
import type { RawData } from 'ws';
import type { IdentityWatch } from '../auth/watchIdentity.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { Connection } from './Connection.js';
import type { BadMessageLog } from './createBadMessageLog.js';
import { MAX_BAD_MESSAGES, createInboundGuard } from './createInboundGuard.js';

/** A session as the gateway calls it: with a message already validated against the route's schema. */
export interface LooseSession {
  readonly onMessage?: (message: unknown) => void | Promise<void>;
  readonly onClose?: () => void;
}

/** What one socket's message handler reads and answers through. */
export interface MessageHandlerContext {
  readonly connection: Connection;
  /** Where the socket's bad input is logged (docs/operations.md, "Bad input"). */
  readonly bad: BadMessageLog;
  /** The token's claims, checked per message (rule A6); null when auth is off or the route is public. */
  readonly watch: IdentityWatch | null;
  readonly log: Logger;
  readonly now: () => number;
  /** Messages per second allowed on average (rule L4). */
  readonly rateLimitPerSecond: number;
  /** Messages allowed in a burst (rule L4). */
  readonly rateLimitBurst: number;
  /** The route's session, once its handler opened one. */
  readonly session: () => LooseSession | null;
}

const rawText = (data: RawData): string =>
  (Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data)
  ).toString('utf8');

/**
 * The `op_id` of a message that failed validation, when it carries a valid one: its refusal names
 * it (E1), so the client settles that operation instead of waiting and sending it again.
 */
const opIdOf = (value: unknown): string | undefined => {
  const opId = (value as { op_id?: unknown } | null)?.op_id;
  return parse(opIdSchema, opId).ok ? (opId as string) : undefined;
};

/**
 * Creates one socket's `message` listener: rate limit (L4), parse and validate (E1, E2), the clock
 * probe (T1), the token's permission (A6), then the session. Everything it needs is made here, once
 * per socket, so a message allocates no closure.
 */
export function createMessageHandler(
  context: MessageHandlerContext,
): (data: RawData, isBinary: boolean) => void {
  const { connection, bad, watch, log, now, session } = context;
  const route: WsRoute = routes[connection.route];
  const guard = createInboundGuard(
    {
      ratePerSecond: context.rateLimitPerSecond,
      burst: context.rateLimitBurst,
      maxBadMessages: MAX_BAD_MESSAGES,
    },
    now,
  );

  /** Answers a message that was not handled with an `error` (rule E1), counted by E2. */
  const answer = (
    error: { code: ErrorCode; message: string; field: string },
    opId?: string,
  ): void => {
    connection.sendError({
      code: error.code,
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      ...(opId !== undefined && { op_id: opId }),
    });
    if (guard.recordBad()) connection.close(CloseCode.BadMessage, 'repeated bad messages');
  };
  /** Answers bad input, and logs it (the first of the connection; the rest are counted). */
  const reject = (
    error: { code: ErrorCode; message: string; field: string },
    opId?: string,
  ): void => {
    bad.record(error.code, error.field || null);
    answer(error, opId);
  };
  const failed = (error: unknown): void => {
    log.error('ws.handler_failed', { route: connection.route, error: errorMessage(error) });
    answer({ code: 'internal', message: 'the server could not handle this message', field: '' });
  };

  return (data, isBinary) => {
    // Rule K5: after the server's close frame (an expired token, a limit, the drain) ws reads on
    // until the peer's close frame or its 30 s timeout; what arrives then is not applied.
    if (!connection.open) return;
    const receivedAt = now();
    if (!guard.allow()) {
      bad.record('rate_limited', null);
      connection.close(CloseCode.TooManyRequests, 'rate limit exceeded');
      return;
    }
    // Rules A2, A8: from the token's exp on nothing is applied or answered, though the timer that
    // closes the socket may not have run yet; expired() closes it with 4401 at once.
    if (watch?.expired(receivedAt)) return;
    if (isBinary)
      return reject({
        code: 'bad_json',
        message: 'binary frames are not supported; send JSON text',
        field: '',
      });
    const json = parseJson(rawText(data));
    if (!json.ok) return reject(json.error);
    const message = parse(route.client, json.value);
    if (!message.ok) return reject(message.error, opIdOf(json.value));
    // Every route's client schema includes the clock probe (rule T1): its tag is enough.
    if ((message.value as { type?: unknown }).type === 'time_sync') {
      const { id, t0 } = message.value as ClientControlMessage;
      connection.sendMessage({ type: 'time_sync', data: { id, t0, t1: receivedAt, t2: now() } });
      return;
    }
    const type = (message.value as { type: string }).type;
    const forbidden = watch?.forbidden(type);
    if (forbidden) {
      // Rule A6: nothing is applied and the socket stays open; the refusal is logged as bad
      // input is (once, then counted), but does not count toward E2's close.
      bad.record('forbidden', null);
      const opId = (message.value as { op_id?: unknown }).op_id;
      connection.sendError({
        code: 'forbidden',
        message: forbidden,
        ...(typeof opId === 'string' && { op_id: opId }),
      });
      return;
    }
    try {
      session()?.onMessage?.(message.value)?.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
}
