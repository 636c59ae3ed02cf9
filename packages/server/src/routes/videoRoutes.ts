import { existsSync } from 'node:fs';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import { videoPath } from '../domains/workflow/render/videoFiles.js';
import type { RouteHandlers } from '../transport/RouteHandlers.js';
import { missingWorkflow } from './missingWorkflow.js';
import { outageFailure } from './outageFailure.js';

/**
 * The handler of `GET /api/workflows/:id/video`: the run's MP4 once rendered, else `404` (`410`
 * for a run retention deleted, G5).
 */
export function videoRoutes(
  workflows: WorkflowDomain,
  videosDir: string,
): Pick<RouteHandlers, 'workflowVideo'> {
  return {
    workflowVideo: async ({ params }) => {
      const file = videoPath(videosDir, params.id);
      // Read as stored: a finished run leaves memory once idle (rule G1).
      let workflow;
      try {
        workflow = await workflows.load(params.id);
      } catch (error) {
        return outageFailure(error);
      }
      if (!workflow) return missingWorkflow(workflows, params.id).catch(outageFailure);
      if (existsSync(file)) return { status: 200, body: { file } };
      return {
        status: 404,
        error: {
          code: 'not_found',
          message: `workflow "${params.id}" has no video yet; it appears when its render stage completes`,
          field: 'id',
        },
      };
    },
  };
}
