import {
  boardOpResponseSchema,
  httpErrorSchema,
  parse,
  routePath,
  workflowListResponseSchema,
  workflowResponseSchema,
  type CreateWorkflowRequest,
  type Schema,
  type Workflow,
} from '@liveline/protocol';
import { newId } from './newId';
import { serverOrigin } from './serverOrigin';
import { currentToken } from './session';

/** Headers that carry the page's token, if it has one (PROTOCOL.md A2). */
export const authHeaders = (): Record<string, string> => {
  const token = currentToken();
  return token === null ? {} : { authorization: `Bearer ${token}` };
};

/** A failed HTTP call: the server's error code and message, or `network`/`bad_response`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

async function call<T>(
  method: 'GET' | 'POST',
  path: string,
  schema: Schema<T>,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, serverOrigin()), {
      method,
      headers: {
        ...authHeaders(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new ApiError('network', 'The server could not be reached.', null, { cause });
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const failure = parse(httpErrorSchema, json);
    if (failure.ok)
      throw new ApiError(
        failure.value.error.code,
        failure.value.error.message,
        failure.value.error.field,
      );
    throw new ApiError('http', `The server answered ${response.status}.`);
  }
  const result = parse(schema, json);
  if (!result.ok)
    throw new ApiError('bad_response', result.error.message, null, { cause: result.error });
  return result.value;
}

/** Starts an Idea2Video or Script2Video run. */
export async function createWorkflow(request: CreateWorkflowRequest): Promise<Workflow> {
  return (await call('POST', routePath('workflowCreate'), workflowResponseSchema, request))
    .workflow;
}

/** Recent runs, newest first. */
export async function listWorkflows(): Promise<Workflow[]> {
  return (await call('GET', routePath('workflowList'), workflowListResponseSchema)).workflows;
}

/**
 * One run. Rejects with an {@link ApiError} whose code is `deleted` (HTTP 410) for a run retention
 * deleted (PROTOCOL.md G5), `not_found` for an id never seen.
 */
export async function getWorkflow(id: string): Promise<Workflow> {
  return (await call('GET', routePath('workflowGet', { id }), workflowResponseSchema)).workflow;
}

/** Cancels a queued or running run. */
export async function cancelWorkflow(id: string): Promise<Workflow> {
  return (await call('POST', routePath('workflowCancel', { id }), workflowResponseSchema)).workflow;
}

/**
 * Whether board `boardId` applied operation `opId`, asked without changing anything. The server
 * answers any operation carrying an op id it applied `duplicate` (B2, also one its card is gone
 * since), so this sends one that cannot apply under that op id: the deletion of a card never
 * made. Null when the server could not say: unreachable, or it refused before looking (signed
 * out, `forbidden`, `rate_limited`).
 */
export async function wasApplied(boardId: string, opId: string): Promise<boolean | null> {
  const probe = { type: 'card.delete', op_id: opId, card_id: newId('card') } as const;
  try {
    const path = routePath('boardOp', { id: boardId });
    return (await call('POST', path, boardOpResponseSchema, probe)).duplicate;
  } catch (error) {
    // The card is not found only once the op id was looked up and found unused.
    return error instanceof ApiError && error.code === 'not_found' ? false : null;
  }
}
