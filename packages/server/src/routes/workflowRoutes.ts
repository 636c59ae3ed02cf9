import { AGENT_NAMES, formatWorkflowCursor, type Workflow } from '@liveline/protocol';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import { COORDINATOR_ROOM, agentRoom } from '../domains/workflow/workflowRooms.js';
import type { Broker } from '../rooms/Broker.js';
import type { RouteHandlers, WsOpenResult } from '../transport/RouteHandlers.js';
import { closeFailedJoin, joinLatestRoom, joinOrdered } from './joinRooms.js';
import { storageUnavailable } from './storageUnavailable.js';

const statusFor = (code: string): number =>
  code === 'not_found' ? 404 : code === 'conflict' ? 409 : 503;

/** Handlers of the Idea2Video routes: workflow, coordinator and agent sockets plus the workflow API. */
export function workflowRoutes(
  broker: Broker,
  workflows: WorkflowDomain,
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
        .catch((error: unknown) => closeFailedJoin(connection, error));
      return {};
    },
    coordinator: ({ connection }) => {
      joinLatestRoom(broker, COORDINATOR_ROOM, connection);
      return {};
    },
    agent: ({ connection, params }): WsOpenResult<'agent'> => {
      if (!AGENT_NAMES.some((name) => name === params.name))
        return {
          notFound: `agent "${params.name}" does not exist; agents: ${AGENT_NAMES.join(', ')}`,
        };
      joinLatestRoom(broker, agentRoom(params.name), connection);
      return {};
    },
    workflowCreate: async ({ body }) => {
      const result = await workflows.create(body);
      return result.ok
        ? { status: 201, body: { workflow: result.workflow } }
        : { status: statusFor(result.error.code), error: result.error };
    },
    workflowList: ({ query }) =>
      workflows.list(query).then(
        ({ workflows: page, next }) => ({
          status: 200,
          body: { workflows: page, next_before: next && formatWorkflowCursor(next) },
        }),
        storageUnavailable,
      ),
    workflowGet: async ({ params }) => {
      let workflow: Workflow | null;
      try {
        workflow = await workflows.load(params.id);
      } catch (error) {
        return storageUnavailable(error);
      }
      return workflow
        ? { status: 200, body: { workflow } }
        : {
            status: 404,
            error: {
              code: 'not_found',
              message: `workflow "${params.id}" does not exist`,
              field: 'id',
            },
          };
    },
    workflowCancel: async ({ params }) => {
      const result = await workflows.cancel(params.id);
      return result.ok
        ? { status: 200, body: { workflow: result.workflow } }
        : { status: statusFor(result.error.code), error: result.error };
    },
    agentList: () => ({ status: 200, body: { agents: workflows.agents() } }),
  };
}
