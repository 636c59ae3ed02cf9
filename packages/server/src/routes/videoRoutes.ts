import { existsSync } from 'node:fs';
import type { WorkflowDomain } from '../domains/workflow/createWorkflowDomain.js';
import { videoPath } from '../domains/workflow/render/videoFiles.js';
import type { RouteHandlers } from '../transport/RouteHandlers.js';

/** The handler of `GET /api/workflows/:id/video`: the run's MP4 once rendered, else `404`. */
export function videoRoutes(
  workflows: WorkflowDomain,
  dataDir: string,
): Pick<RouteHandlers, 'workflowVideo'> {
  return {
    workflowVideo: ({ params }) => {
      const file = videoPath(dataDir, params.id);
      if (workflows.get(params.id) && existsSync(file)) return { status: 200, body: { file } };
      return {
        status: 404,
        error: {
          code: 'not_found',
          message: workflows.get(params.id)
            ? `workflow "${params.id}" has no video yet; it appears when its render stage completes`
            : `workflow "${params.id}" does not exist`,
          field: 'id',
        },
      };
    },
  };
}
