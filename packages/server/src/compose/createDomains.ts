import type { ResolvedServerOptions } from '../config/serverOptions.js';
import { createBoardDomain, type BoardDomain } from '../domains/board/createBoardDomain.js';
import { createEventLog, type EventLog } from '../domains/createEventLog.js';
import {
  createTransportDomain,
  type TransportDomain,
} from '../domains/transport/createTransportDomain.js';
import { createWorkflowDomain } from '../domains/workflow/createWorkflowDomain.js';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import type { ResolvedParts } from './resolveParts.js';

/** The domains of a server and the event log the ordered ones append through. */
export interface Domains {
  readonly events: EventLog;
  readonly transport: TransportDomain;
  readonly boards: BoardDomain;
  readonly workflows: WorkflowDomain;
}

/**
 * Builds the domains over the parts: they publish to the broker and persist through the event
 * log, never touching a socket. `connectedClients` is read by the coordinator metrics.
 */
export function createDomains(
  config: ResolvedServerOptions,
  parts: ResolvedParts,
  connectedClients: () => number,
): Domains {
  const { log, storage, broker, stages, presenceSlices } = parts;
  const { now } = config;
  const events = createEventLog({ ...parts, now, historyMaxEvents: config.historyMaxEvents });
  const transport = createTransportDomain({
    broker,
    anchors: parts.anchors,
    log,
    now,
    clockRateHz: config.clockRateHz,
  });
  const boards = createBoardDomain({
    events,
    broker,
    storage,
    log,
    now,
    idleMs: config.historyMaxAgeMs,
    maxBoards: config.maxBoards,
    presenceSlices,
  });
  const workflows = createWorkflowDomain({
    events,
    storage,
    broker,
    log,
    now,
    idleMs: config.historyMaxAgeMs,
    nodeId: config.nodeId,
    leaseMs: config.workflowLeaseMs,
    stages,
    agentCapacity: config.agentCapacity,
    metricsRateHz: config.metricsRateHz,
    connectedClients,
    metricsSlices: parts.metricsSlices,
    maxUnfinishedRuns: config.maxUnfinishedRuns,
  });
  return { events, transport, boards, workflows };
}
