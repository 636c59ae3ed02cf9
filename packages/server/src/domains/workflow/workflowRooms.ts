import type { AgentStatus, CoordinatorMetrics } from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import type { Broker } from '../../rooms/Broker.js';

/** Latest room of one agent's status. */
export const agentRoom = (name: string): string => `agent:${name}`;
/** Latest room of the coordinator metrics. */
export const COORDINATOR_ROOM = 'coordinator';

/** Publishes an agent's status to its latest room, unless the room holds that status already. */
export const publishAgentStatus = (broker: Broker, status: AgentStatus): void => {
  const room = agentRoom(status.name);
  const frame = encodeMessage('agent', { type: 'agent_status', data: status });
  if (broker.latest(room) !== frame) broker.setLatest(room, frame);
};

/** Publishes the coordinator metrics to their latest room. */
export const publishMetrics = (broker: Broker, metrics: CoordinatorMetrics): void =>
  broker.setLatest(
    COORDINATOR_ROOM,
    encodeMessage('coordinator', { type: 'metrics', data: metrics }),
  );
