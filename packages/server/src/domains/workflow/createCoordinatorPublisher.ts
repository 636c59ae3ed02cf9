import type { AgentName, AgentStatus } from '@liveline/protocol';
import type { Logger } from '../../log/createLogger.js';
import type { Broker } from '../../rooms/Broker.js';
import type { Storage } from '../../storage/Storage.js';
import { createTickLoop, type TickLoop } from '../createTickLoop.js';
import { createAgentPool, type AgentPool } from './createAgentPool.js';
import { createWorkflowMetrics, type WorkflowMetrics } from './createWorkflowMetrics.js';
import { mergeAgent, mergeAgentStatuses, mergeMetrics } from './mergeMetrics.js';
import type { MetricsSlices } from './MetricsSlices.js';
import { readWorkflowCounts } from './readWorkflowCounts.js';
import { RENDER_AGENT_CAPACITY } from './render/createRenderStage.js';
import { publishAgentStatus, publishMetrics } from './workflowRooms.js';

/** This node's agents and counters, published with the other nodes' shares (rule CM1). */
export interface CoordinatorPublisher {
  /** This node's agents; a change of one is published at once. */
  readonly pool: AgentPool;
  /** This node's run counters, the metrics' own slice. */
  readonly counters: WorkflowMetrics;
  /** Every agent's status across the live nodes. */
  agents(): AgentStatus[];
  /** Publishes the coordinator metrics at their rate. */
  start(): void;
  stop(): void;
}

/**
 * Creates the agents' latest rooms (published at once and on every change, merged with the
 * other nodes' slices) and the coordinator's, whose metrics it publishes once started.
 */
export function createCoordinatorPublisher(deps: {
  storage: Storage;
  broker: Broker;
  log: Logger;
  now: () => number;
  agentCapacity: number;
  /** Coordinator metrics published per second. */
  metricsRateHz: number;
  /** Sockets connected now, for the metrics. */
  connectedClients: () => number;
  /** The other nodes' shares of the metrics (rule CM1). */
  metricsSlices: MetricsSlices;
  /** Called when the workflows waiting for `agent` here moved up in line. */
  queueMoved: (agent: AgentName) => void;
}): CoordinatorPublisher {
  const { broker, now } = deps;
  const counters = createWorkflowMetrics(now);
  const slices = deps.metricsSlices;
  const storedRuns = readWorkflowCounts(deps.storage, deps.log);
  /** Publishes an agent's status across the live nodes, from this node's copy of it. */
  const publishAgent = (own: AgentStatus): void =>
    publishAgentStatus(
      broker,
      mergeAgent([
        own,
        ...slices.others().flatMap((slice) => slice.agents.filter((a) => a.name === own.name)),
      ]),
    );
  const publishAgents = (): void => {
    for (const status of pool.statuses()) publishAgent(status);
  };
  const pool = createAgentPool(
    (agent) => (agent === 'renderer' ? RENDER_AGENT_CAPACITY : deps.agentCapacity),
    now,
    publishAgent,
    deps.queueMoved,
  );
  publishAgents();
  slices.listen(publishAgents);
  let metricsLoop: TickLoop | null = null;
  let stopped = false;
  const tickMetrics = async (): Promise<void> => {
    const own = counters.slice(pool.statuses(), deps.connectedClients());
    slices.share(own);
    // The other nodes' slices may have gone stale (CM2) without a change being announced.
    publishAgents();
    const runs = await storedRuns();
    // Until storage has been counted once, nothing is published rather than zero runs (CM1).
    if (runs && !stopped)
      publishMetrics(broker, mergeMetrics([own, ...slices.others()], runs, now()));
  };

  return {
    pool,
    counters,
    agents: () =>
      mergeAgentStatuses([pool.statuses(), ...slices.others().map((slice) => slice.agents)]),
    start() {
      void tickMetrics();
      if (stopped) return;
      metricsLoop = createTickLoop(deps.metricsRateHz, () => void tickMetrics());
    },
    stop() {
      stopped = true;
      metricsLoop?.stop();
    },
  };
}
