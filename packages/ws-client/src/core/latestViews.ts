import type { AgentStatus, CoordinatorMetrics, ServerMessage } from '@liveline/protocol';

/** Keeps the newest `/ws/agent/{name}` status. */
export const reduceAgent = (state: AgentStatus | null, message: ServerMessage<'agent'>) =>
  message.type === 'agent_status' ? message.data : state;

/** Keeps the newest `/ws/coordinator` metrics. */
export const reduceCoordinator = (
  state: CoordinatorMetrics | null,
  message: ServerMessage<'coordinator'>,
) => (message.type === 'metrics' ? message.data : state);
