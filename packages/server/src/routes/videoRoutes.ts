import type { Workflow } from '@liveline/protocol';
import { createRealPaths } from '../http/createRealPaths.js';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import { renderStatus, videoPath } from '../domains/workflow/render/videoFiles.js';
import { isTerminal } from '../domains/workflow/runWorkflow.js';
import type { Logger } from '../log/createLogger.js';
import type { HttpFailure, RouteHandlers } from '../transport/RouteHandlers.js';
import { missingWorkflow } from './missingWorkflow.js';
import { outageFailure } from './outageFailure.js';

/** `404` for a run whose render stage has not completed, saying whether a video may still come. */
function noVideo(workflow: Workflow, render: string | undefined): HttpFailure {
  const name = `workflow "${workflow.id}"`;
  let message = `${name} has no video yet; it appears when its render stage completes`;
  if (render === 'skipped') message = `${name} has no video: its render stage was skipped`;
  else if (isTerminal(workflow))
    message = `${name} has no video: it is ${workflow.status} and its render stage never completed`;
  return { status: 404, error: { code: 'not_found', message, field: 'id' } };
}

/**
 * The handler of `GET /api/workflows/:id/video`: the run's MP4 once its render stage completed as
 * stored, else `404`; `410` for a run retention deleted (G5) or whose rendered file is missing
 * (rule W6). A file alone proves nothing: it may be an older run's under the same id, or a
 * cancelled run's that retention has yet to remove. A video whose real path leaves `videosDir` (a
 * symlink out of it) is `404`.
 */
export function videoRoutes(
  workflows: WorkflowDomain,
  videosDir: string,
  log: Logger,
): Pick<RouteHandlers, 'workflowVideo'> {
  const realPaths = createRealPaths(videosDir);
  return {
    workflowVideo: async ({ params }) => {
      // Read as stored: a finished run leaves memory once idle (rule G1).
      let workflow;
      try {
        workflow = await workflows.load(params.id);
      } catch (error) {
        return outageFailure(error);
      }
      if (!workflow) return missingWorkflow(workflows, params.id).catch(outageFailure);
      const render = renderStatus(workflow);
      if (render !== 'completed') return noVideo(workflow, render);
      const file = videoPath(videosDir, params.id);
      const real = await realPaths(file);
      if (real.ok) return { status: 200, body: { file: real.path } };
      if (real.why === 'outside') {
        log.warn('video.file_outside', { workflow_id: params.id, file });
        return {
          status: 404,
          error: {
            code: 'not_found',
            message: `workflow "${params.id}" has no video inside this node's videos directory`,
            field: 'id',
          },
        };
      }
      log.warn('video.file_missing', { workflow_id: params.id, file });
      return {
        status: 410,
        error: {
          code: 'not_found',
          message: `workflow "${params.id}" was rendered, but its video file is missing from this node's videos directory (restored without it, removed, or on the node that rendered it when nodes share no VIDEOS_DIR)`,
          field: 'id',
        },
      };
    },
  };
}
