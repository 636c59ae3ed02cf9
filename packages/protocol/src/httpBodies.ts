import { boardOpVariants, boardSchema } from './board.js';
import { epochMsSchema, epochSchema, idSchema, opIdSchema, seqSchema } from './common.js';
import {
  array,
  boolean,
  nullable,
  object,
  oneOf,
  optional,
  string,
  tagged,
  type Infer,
} from './schema.js';
import { clockStateSchema, transportCommandVariants } from './transport.js';
import {
  agentStatusSchema,
  MAX_WORKFLOW_INPUT_CHARS,
  WORKFLOW_MODES,
  workflowSchema,
} from './workflow.js';

// Request and response bodies of the HTTP endpoints. They live apart from the WebSocket messages
// so that a client bundle, which only speaks WebSocket, does not carry them.

/** Body of `POST /api/workflows`. `id` lets the caller pick the id it already listens on. */
export const createWorkflowRequestSchema = object({
  mode: oneOf(WORKFLOW_MODES),
  input: string({ min: 1, max: MAX_WORKFLOW_INPUT_CHARS }),
  title: optional(string({ min: 1, max: 200 })),
  id: optional(idSchema),
});
/** Body of `POST /api/workflows`. */
export type CreateWorkflowRequest = Infer<typeof createWorkflowRequestSchema>;

/** The reply of the workflow HTTP endpoints that return one workflow. */
export const workflowResponseSchema = object({ workflow: workflowSchema });
/** The reply of `GET /api/workflows`, newest first. */
export const workflowListResponseSchema = object({
  workflows: array(workflowSchema),
  /** The `before` of the next page; `null` on the last page (rule W7). */
  next_before: nullable(string()),
});
/**
 * What the server's handler of a media endpoint hands its HTTP layer: the file whose bytes answer
 * the request (with byte ranges). Clients receive the bytes, never this object.
 */
export const mediaFileSchema = object({ file: string({ min: 1 }) });
/** The reply of `GET /api/agents`. */
export const agentListResponseSchema = object({ agents: array(agentStatusSchema) });

/** Body of `POST /api/boards/{id}/ops`: one board operation. */
export const boardOpSchema = tagged('type', boardOpVariants);
/** The reply of `GET /api/boards/{id}`: the board and the stream position it is current at. */
export const boardResponseSchema = object({
  board: boardSchema,
  seq: seqSchema,
  epoch: epochSchema,
});
/** The reply of `POST /api/boards/{id}/ops`. */
export const boardOpResponseSchema = object({
  op_id: opIdSchema,
  seq: seqSchema,
  duplicate: boolean,
});

/** Body of `POST /api/transport`: one transport command. */
export const transportCommandSchema = tagged('type', transportCommandVariants);
/** The reply of `GET`/`POST /api/transport`; `duplicate` when the command's op id was applied (C5). */
export const transportResponseSchema = object({
  state: clockStateSchema,
  duplicate: optional(boolean),
});

/** The reply of `GET /api/routes`: what this server serves. */
export const routeListResponseSchema = object({
  routes: array(
    object({
      name: string(),
      kind: oneOf(['ws', 'http']),
      method: nullable(oneOf(['GET', 'POST'])),
      path: string(),
      delivery: nullable(oneOf(['ordered', 'latest'])),
      description: string(),
      /** The query parameters the route reads (rule P5); servers before it do not say. */
      query: optional(array(object({ name: string(), accepts: string() }))),
    }),
  ),
});

/** The body of every HTTP error reply. */
export const httpErrorSchema = object({
  error: object({
    code: string({ max: 64 }),
    message: string({ max: 2000 }),
    field: nullable(string({ max: 200 })),
  }),
});
/** The body of every HTTP error reply. */
export type HttpError = Infer<typeof httpErrorSchema>;

/**
 * The code of `GET /api/workflows/{id}`'s `410`: retention deleted the run (rule G5). HTTP only,
 * so it is not one of `ERROR_CODES`, which WebSocket `error` messages (and the client bundle) carry.
 */
export const WORKFLOW_DELETED_CODE = 'deleted';
/** The body of `GET /api/workflows/{id}`'s `410`: the run was deleted, and when (rule G5). */
export const workflowDeletedSchema = object({
  error: object({
    code: oneOf([WORKFLOW_DELETED_CODE]),
    message: string({ max: 2000 }),
    field: nullable(string({ max: 200 })),
    /** When retention deleted the run, epoch ms. */
    deleted_at: epochMsSchema,
  }),
});
/** The body of `GET /api/workflows/{id}`'s `410`. */
export type WorkflowDeleted = Infer<typeof workflowDeletedSchema>;
