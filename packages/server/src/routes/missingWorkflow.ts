import { WORKFLOW_DELETED_CODE } from '@liveline/protocol';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import type { HttpFailure } from '../transport/RouteHandlers.js';

/**
 * What a request naming a run that is not stored gets: `410 deleted` while retention's tombstone
 * of it is kept (rule G5), else `404`. Rejects when storage cannot be read.
 */
export async function missingWorkflow(
  workflows: Pick<WorkflowDomain, 'deletedAt'>,
  id: string,
): Promise<HttpFailure> {
  const deletedAt = await workflows.deletedAt(id);
  return deletedAt === null
    ? {
        status: 404,
        error: { code: 'not_found', message: `workflow "${id}" does not exist`, field: 'id' },
      }
    : {
        status: 410,
        error: {
          code: WORKFLOW_DELETED_CODE,
          message: `workflow "${id}" was deleted at ${new Date(deletedAt).toISOString()}: finished runs are kept for a limited time`,
          field: 'id',
          deleted_at: deletedAt,
        },
      };
}
