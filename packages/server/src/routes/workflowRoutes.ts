import { AGENT_NAMES, formatWorkflowCursor } from '@liveline/protocol';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import { UNFINISHED_RUNS_RETRY_AFTER_S } from '../domains/workflow/createUnfinishedRunCap.js';
import { COORDINATOR_ROOM, agentRoom } from '../domains/workflow/workflowRooms.js';
import type { Broker } from '../rooms/Broker.js';
import type { RouteHandlers, WsOpenResult } from '../transport/RouteHandlers.js';
import { closeFailedJoin, joinLatestRoom, joinOrdered, leftByDeletion } from './joinRooms.js';
import { missingWorkflow } from './missingWorkflow.js';
import { outageFailure } from './outageFailure.js';

const statusFor = (code: string): number =>
  code === 'not_found' ? 404 : code === 'conflict' ? 409 : 503;

/** Handlers of the Idea2Video routes: workflow, coordinator and agent sockets plus the workflow API. */
export function workflowRoutes(
  broker: Broker,
  workflows: WorkflowDomain,
  now: () => number,
): Pick<
  RouteHandlers,
  | 'workflow'
  | 'coordinator'
  | 'agent'
  | 'workflowCreate'
  | 'workflowList'
  | 'workflowGet'
  | 'workflowCancel'
  | 'agentList'
> {
  return {
    workflow: ({ connection, params, resume }) => {
      // Ids not started yet are accepted and stream once a run with that id starts (rule W2).
      workflows
        .open(params.id)
        .then(() =>
          joinOrdered(broker, workflows.room(params.id), connection, resume, {
            snapshot: () => {
              const { workflow, ...position } = workflows.snapshot(params.id);
              return { ...position, data: { workflow_id: params.id, workflow } };
            },
            catchUp: () => workflows.catchUp(params.id),
          }),
        )
        .catch(async (error: unknown) => {
          // Retention dropping the run while it joins leaves the join without its room: the socket
          // is closed as the run's watchers are (G5). Any other failure (storage, the broker) is
          // closed as its cause calls for, also on a deleted run's id.
          const deleted =
            leftByDeletion(error) &&
            (await workflows.deletedAt(params.id).catch(() => null)) !== null;
          closeFailedJoin(connection, error, deleted);
        });
      return {};
    },
    coordinator: ({ connection }) => {
      joinLatestRoom(broker, COORDINATOR_ROOM, connection, now);
      return {};
    },
    agent: ({ connection, params }): WsOpenResult<'agent'> => {
      if (!AGENT_NAMES.some((name) => name === params.name))
        return {
          notFound: `agent "${params.name}" does not exist; agents: ${AGENT_NAMES.join(', ')}`,
        };
      joinLatestRoom(broker, agentRoom(params.name), connection, now);
      return {};
    },
    workflowCreate: ({ body }) =>
      workflows.create(body).then((result) => {
        if (result.ok) return { status: 201, body: { workflow: result.workflow } };
        // The cap on unfinished runs clears as runs end: the caller is told when to retry (W8).
        const retry = result.error.code === 'limit_exceeded';
        return {
          status: statusFor(result.error.code),
          error: result.error,
          ...(retry && { headers: { 'Retry-After': String(UNFINISHED_RUNS_RETRY_AFTER_S) } }),
        };
      }, outageFailure),
    workflowList: ({ query }) =>
      workflows.list(query).then(
        ({ workflows: page, next }) => ({
          status: 200,
          body: { workflows: page, next_before: next && formatWorkflowCursor(next) },
        }),
        outageFailure,
      ),
    workflowGet: async ({ params }) => {
      try {
        // A run stored under the id wins over its tombstone: the id was started again (G5).
        const workflow = await workflows.load(params.id);
        return workflow
          ? { status: 200, body: { workflow } }
          : await missingWorkflow(workflows, params.id);
      } catch (error) {
        return outageFailure(error);
      }
    },
    workflowCancel: async ({ params }) => {
      try {
        // A run this node does not write is read from storage first, and that read can fail (S3).
        const result = await workflows.cancel(params.id);
        if (result.ok) return { status: 200, body: { workflow: result.workflow } };
        if (result.error.code !== 'not_found')
          return { status: statusFor(result.error.code), error: result.error };
        return await missingWorkflow(workflows, params.id);
      } catch (error) {
        return outageFailure(error);
      }
    },
    agentList: () => ({ status: 200, body: { agents: workflows.agents() } }),
  };
}
