import type {
  ClientMessage,
  ErrorCode,
  HttpQuery,
  HttpResponse,
  HttpRoute,
  HttpRouteName,
  WorkflowDeleted,
  ResumePosition,
  RouteParams,
  Routes,
  WsRouteName,
} from '@liveline/protocol';
import type { Identity } from '../auth/createAuth.js';
import type { Connection } from './Connection.js';

/**
 * What an accepted WebSocket is given: its connection, validated params, query, resume position
 * and who its token says the caller is.
 */
export interface WsContext<R extends WsRouteName> {
  readonly connection: Connection<R>;
  /** The verified token's identity; null when auth is off or the route is public. */
  readonly identity: Identity | null;
  readonly params: RouteParams<R>;
  readonly query: URLSearchParams;
  /** The validated resume position of an ordered route, or `null`. */
  readonly resume: ResumePosition | null;
}

/** A live WebSocket session of a route. */
export interface WsSession<R extends WsRouteName> {
  /** Handles a validated client message other than `time_sync` (answered by the transport); a rejection is answered `internal`. */
  readonly onMessage?: (
    message: Exclude<ClientMessage<R>, { type: 'time_sync' }>,
  ) => void | Promise<void>;
  /** Runs once when the socket closes. */
  readonly onClose?: () => void;
}

/** A route-agnostic view of a session, used where the route is only known at run time. */
export type AnyWsOpenResult =
  | {
      readonly onMessage?: (message: never) => void | Promise<void>;
      readonly onClose?: () => void;
    }
  | { readonly notFound: string };

/** A session, or the reason the addressed resource does not exist (closed with 4404). */
export type WsOpenResult<R extends WsRouteName> = WsSession<R> | { readonly notFound: string };

/** Serves one WebSocket route. */
export type WsRouteHandler<R extends WsRouteName> = (context: WsContext<R>) => WsOpenResult<R>;

/** An HTTP error reply: the protocol's error body, or a deleted run's `410` (rule G5). */
export interface HttpFailure {
  readonly status: number;
  readonly error:
    | {
        readonly code: ErrorCode;
        readonly message: string;
        readonly field: string | null;
      }
    | WorkflowDeleted['error'];
  /** Headers sent with it, such as `Retry-After` on a refusal that clears (rule W8). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An HTTP reply: a success body of the route's response type, or an error. */
export type HttpResult<R extends HttpRouteName> =
  { readonly status: number; readonly body: HttpResponse<R> } | HttpFailure;

/** The validated request body of endpoint `R` (`unknown` for endpoints without one). */
export type RequestBody<R extends HttpRouteName> =
  Routes[R] extends HttpRoute<string, infer Req, unknown> ? Req : never;

/** Serves one HTTP endpoint with its validated params, query, body and caller's identity. */
export type HttpRouteHandler<R extends HttpRouteName> = (request: {
  readonly params: RouteParams<R>;
  /** The validated query parameters (`null` for endpoints that read none). */
  readonly query: HttpQuery<R>;
  readonly body: RequestBody<R>;
  /** The verified token's identity; null when auth is off or the endpoint is public. */
  readonly identity: Identity | null;
}) => HttpResult<R> | Promise<HttpResult<R>>;

/** One handler per route of the protocol table: a missing one is a compile error (rule P1). */
export type RouteHandlers = { readonly [R in WsRouteName]: WsRouteHandler<R> } & {
  readonly [R in HttpRouteName]: HttpRouteHandler<R>;
};
