import { idSchema } from './common.js';
import { querySchema, queryParam, type QuerySchema } from './queryParams.js';
import { parse } from './schema.js';

/** Runs one `GET /api/workflows` answers when it names no `limit` (rule W7). */
export const WORKFLOW_PAGE_DEFAULT = 50;
/** The most runs one `GET /api/workflows` answers: a larger `limit` is refused (rule W7). */
export const WORKFLOW_PAGE_MAX = 200;

/** A place in the newest-first list of runs: a page starts after the run it names. */
export interface WorkflowCursor {
  readonly created_at: number;
  readonly id: string;
}

/** The query of `GET /api/workflows`, validated, with the default `limit` filled in. */
export interface WorkflowListQuery {
  readonly limit: number;
  /** The run the page starts after (`null`: from the newest). */
  readonly before: WorkflowCursor | null;
}

/**
 * The text of a cursor, as `next_before` carries it. Clients pass it back unread: its form may
 * change, so only a cursor this server handed out is accepted.
 */
export const formatWorkflowCursor = (cursor: WorkflowCursor): string =>
  `${cursor.created_at}:${cursor.id}`;

const limitParam = queryParam(`an integer from 1 to ${WORKFLOW_PAGE_MAX}`, (text) =>
  /^\d{1,4}$/.test(text) && Number(text) >= 1 && Number(text) <= WORKFLOW_PAGE_MAX
    ? Number(text)
    : undefined,
);

const beforeParam = queryParam('the next_before of an earlier reply', (text) => {
  const colon = text.indexOf(':');
  const createdAt = Number(text.slice(0, colon));
  const id = text.slice(colon + 1);
  return colon > 0 && Number.isFinite(createdAt) && createdAt >= 0 && parse(idSchema, id).ok
    ? { created_at: createdAt, id }
    : undefined;
});

/** Validates the query parameters of `GET /api/workflows` (rule W7), naming a bad one. */
export const workflowListQuerySchema: QuerySchema<WorkflowListQuery> = querySchema(
  { limit: limitParam, before: beforeParam },
  ({ limit, before }) => ({ limit: limit ?? WORKFLOW_PAGE_DEFAULT, before: before ?? null }),
);
