import type { AgentStatus, ServerMessage } from '@liveline/protocol';

/** Keeps the newest status of `/ws/agent/{name}`. */
export function reduceAgent(
  state: AgentStatus | null,
  message: ServerMessage<'agent'>,
): AgentStatus | null {
  return message.type === 'agent_status' ? message.data : state;
}
