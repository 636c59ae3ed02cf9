import { idSchema } from './common.js';
import { healthSchema } from './health.js';
import {
  agentListResponseSchema,
  boardOpResponseSchema,
  boardOpSchema,
  boardResponseSchema,
  createWorkflowRequestSchema,
  mediaFileSchema,
  routeListResponseSchema,
  transportCommandSchema,
  transportResponseSchema,
  workflowListResponseSchema,
  workflowResponseSchema,
} from './httpBodies.js';
import type { ParamSchemas } from './path.js';
import type { QuerySchema } from './queryParams.js';
import { workflowListQuerySchema } from './workflowListQuery.js';
import { PUBLIC, needs, type Permission } from './permissions.js';
import type { Schema } from './schema.js';

/** An HTTP endpoint of the table. */
export interface HttpRoute<P extends string = string, Req = unknown, Res = unknown, Q = unknown> {
  readonly kind: 'http';
  readonly method: 'GET' | 'POST';
  readonly path: P;
  readonly params: ParamSchemas<P, Schema<string>>;
  /** Validates the JSON request body; `null` for endpoints without one. */
  readonly request: Schema<Req> | null;
  /** Validates the query string (a parameter given twice is refused, rule P4); absent: none read. */
  readonly query?: QuerySchema<Q>;
  /** Validates the successful JSON response body. */
  readonly response: Schema<Res>;
  /** Media type of a success that is a file served with HTTP Range rather than JSON. */
  readonly media?: string;
  /** What a token needs to call it (rule A5), or `public`. */
  readonly permission: Permission | typeof PUBLIC;
}

const http = <P extends string, Req, Res, Q = null>(
  route: Omit<HttpRoute<P, Req, Res, Q>, 'kind'>,
): HttpRoute<P, Req, Res, Q> => ({ kind: 'http', ...route });

const none = {};
const byId = { id: idSchema };

/** The HTTP half of the route table (rule P1). */
export const httpRoutes = {
  health: http({
    method: 'GET',
    path: '/health',
    params: none,
    request: null,
    response: healthSchema,
    permission: PUBLIC,
  }),
  routeList: http({
    method: 'GET',
    path: '/api/routes',
    params: none,
    request: null,
    response: routeListResponseSchema,
    permission: PUBLIC,
  }),
  workflowCreate: http({
    method: 'POST',
    path: '/api/workflows',
    params: none,
    request: createWorkflowRequestSchema,
    response: workflowResponseSchema,
    permission: needs('workflow', 'start'),
  }),
  workflowList: http({
    method: 'GET',
    path: '/api/workflows',
    params: none,
    query: workflowListQuerySchema,
    request: null,
    response: workflowListResponseSchema,
    permission: needs('workflow', 'read'),
  }),
  workflowGet: http({
    method: 'GET',
    path: '/api/workflows/:id',
    params: byId,
    request: null,
    response: workflowResponseSchema,
    permission: needs('workflow', 'read'),
  }),
  workflowCancel: http({
    method: 'POST',
    path: '/api/workflows/:id/cancel',
    params: byId,
    request: null,
    response: workflowResponseSchema,
    permission: needs('workflow', 'cancel'),
  }),
  workflowVideo: http({
    method: 'GET',
    path: '/api/workflows/:id/video',
    params: byId,
    request: null,
    response: mediaFileSchema,
    media: 'video/mp4',
    permission: needs('workflow', 'read'),
  }),
  agentList: http({
    method: 'GET',
    path: '/api/agents',
    params: none,
    request: null,
    response: agentListResponseSchema,
    permission: needs('monitor', 'read'),
  }),
  boardGet: http({
    method: 'GET',
    path: '/api/boards/:id',
    params: byId,
    request: null,
    response: boardResponseSchema,
    permission: needs('board', 'read', 'id'),
  }),
  boardOp: http({
    method: 'POST',
    path: '/api/boards/:id/ops',
    params: byId,
    request: boardOpSchema,
    response: boardOpResponseSchema,
    permission: needs('board', 'write', 'id'),
  }),
  transportGet: http({
    method: 'GET',
    path: '/api/transport',
    params: none,
    request: null,
    response: transportResponseSchema,
    permission: needs('transport', 'read'),
  }),
  transportCommand: http({
    method: 'POST',
    path: '/api/transport',
    params: none,
    request: transportCommandSchema,
    response: transportResponseSchema,
    permission: needs('transport', 'control'),
  }),
} as const;
