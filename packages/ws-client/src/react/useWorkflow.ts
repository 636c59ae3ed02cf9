import type { ConnectionState } from '../core/connectionMachine.js';
import { EMPTY_WORKFLOW, reduceWorkflow, type WorkflowView } from '../core/workflowView.js';
import { useChannel } from './useChannel.js';
import { useConnection } from './useConnection.js';
import { useView } from './useView.js';

/** A workflow run by id, live: snapshot plus events, and the connection's state. */
export function useWorkflow(id: string): WorkflowView & { connection: ConnectionState } {
  const channel = useChannel('workflow', { params: { id } });
  return {
    ...useView(channel, reduceWorkflow, EMPTY_WORKFLOW),
    connection: useConnection(channel),
  };
}
