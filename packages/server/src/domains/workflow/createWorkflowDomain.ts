import {
  PIPELINE,
  applyWorkflowEvent,
  parse,
  workflowSchema,
  type AgentStatus,
  type CreateWorkflowRequest,
  type StageName,
  type Workflow,
  type WorkflowEvent,
} from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { Broker, StreamPosition } from '../../rooms/Broker.js';
import type { Storage } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import type { Append, AppendOutcome, EventLog } from '../createEventLog.js';
import { createTickLoop, type TickLoop } from '../createTickLoop.js';
import { createAgentPool } from './createAgentPool.js';
import { createWorkflowMetrics } from './createWorkflowMetrics.js';
import { RENDER_AGENT_CAPACITY } from './render/createRenderStage.js';
import { isTerminal, runWorkflow, type UnnumberedWorkflowEvent } from './runWorkflow.js';
import { clip } from './scriptText.js';
import type { Stage } from './Stage.js';
import { publishAgentStatus, publishMetrics } from './workflowRooms.js';

/** A workflow room's state and the position of the newest event it includes (rule R2). */
export interface WorkflowSnapshot extends StreamPosition {
  readonly workflow: Workflow | null;
}

/** The Idea2Video/Script2Video coordinator: workflows through agents, with ordered events. */
export interface WorkflowDomain {
  /**
   * Restores the stored workflows and resumes those that were running or queued (rule W4), then
   * publishes the coordinator metrics at their rate.
   */
  start(): Promise<void>;
  /** The ordered room of a workflow id (started or not). */
  room(workflowId: string): string;
  /** Opens a workflow room so a client can wait on an id not started yet (rule W2). */
  open(workflowId: string): Promise<void>;
  /** The workflow room now; it must have been opened. */
  snapshot(workflowId: string): WorkflowSnapshot;
  /** The workflow, or `null` if no run has that id. */
  get(workflowId: string): Workflow | null;
  /** Workflows, newest first. */
  list(): Workflow[];
  /** Starts a workflow (409 `conflict` if the id exists) once it is stored. */
  create(request: CreateWorkflowRequest): Promise<{ ok: true; workflow: Workflow } | DomainFailure>;
  /** Cancels a queued or running workflow. */
  cancel(workflowId: string): Promise<{ ok: true; workflow: Workflow } | DomainFailure>;
  /** Every agent's status. */
  agents(): AgentStatus[];
  /** Drops a finished run that retention deleted from storage (rule G3); a live run is kept. */
  forget(workflowId: string): void;
  /**
   * Stops the metrics and aborts every running workflow's in-memory work (server stopping);
   * stored state stays as is.
   */
  stop(): void;
}

/**
 * Creates the coordinator, which owns the workflow rooms, the agents' latest rooms (published at
 * once and on every change) and the coordinator's; `start` restores what storage holds.
 */
export function createWorkflowDomain(deps: {
  events: EventLog;
  storage: Storage;
  broker: Broker;
  log: Logger;
  now: () => number;
  /** The worker of each stage; a stage without one is `skipped` in every new workflow. */
  stages: Partial<Record<StageName, Stage>>;
  agentCapacity: number;
  /** Coordinator metrics published per second. */
  metricsRateHz: number;
  /** Sockets connected now, for the metrics. */
  connectedClients: () => number;
}): WorkflowDomain {
  const { events, storage, broker, log, now } = deps;
  const workflows = new Map<string, Workflow>();
  const running = new Map<string, AbortController>();
  const counters = createWorkflowMetrics(now);
  const pool = createAgentPool(
    (agent) => (agent === 'renderer' ? RENDER_AGENT_CAPACITY : deps.agentCapacity),
    now,
    (status) => publishAgentStatus(broker, status),
  );
  for (const status of pool.statuses()) publishAgentStatus(broker, status);
  let metricsLoop: TickLoop | null = null;
  let stopped = false;
  const tickMetrics = (): void =>
    publishMetrics(
      broker,
      counters.read([...workflows.values()], pool.statuses(), deps.connectedClients()),
    );
  const room = (id: string): string => `workflow:${id}`;

  const read = async (id: string): Promise<void> => {
    const parsed = parse(workflowSchema, await storage.loadDocument('workflow', id));
    if (parsed.ok) workflows.set(id, parsed.value);
  };

  /** Builds, reduces (once), stores and publishes an event; keeps the workflow it produces. */
  const appendEvent = (
    append: Append,
    id: string,
    event: UnnumberedWorkflowEvent,
  ): Promise<AppendOutcome<WorkflowEvent>> => {
    let next: Workflow | null = null;
    return append<WorkflowEvent>({
      build: (position) => ({ ...event, ...position }),
      serialize: (numbered) => encodeMessage('workflow', numbered),
      reduce(numbered) {
        next = applyWorkflowEvent(workflows.get(id) ?? null, numbered);
        return next ? [{ kind: 'workflow', id, value: next }] : [];
      },
      apply: () => {
        if (next) workflows.set(id, next);
      },
      reload: () => read(id),
    });
  };

  /** Stores and publishes an event; answers why not (logged) if storage refused it. */
  const commit = async (
    id: string,
    event: UnnumberedWorkflowEvent,
  ): Promise<DomainFailure | null> => {
    const outcome = await events.inTurn(room(id), (append) => appendEvent(append, id, event));
    if (!('ok' in outcome)) return null;
    log.error('workflow.persist_failed', {
      workflow_id: id,
      event: event.type,
      error: outcome.error.message,
    });
    return outcome;
  };

  const context = {
    stages: deps.stages,
    pool,
    now,
    current: (id: string) => workflows.get(id) ?? null,
    commit,
    metrics: counters,
  };
  const launch = (id: string): void => {
    const controller = new AbortController();
    running.set(id, controller);
    void runWorkflow(context, id, controller.signal).finally(() => running.delete(id));
  };

  const restore = async (): Promise<void> => {
    for (const stored of await storage.listDocuments('workflow')) {
      const parsed = parse(workflowSchema, stored);
      if (!parsed.ok) {
        log.warn('workflow.restore_skipped', { error: parsed.error.message });
        continue;
      }
      const workflow = parsed.value;
      workflows.set(workflow.id, workflow);
      if (isTerminal(workflow)) continue;
      const stage = PIPELINE.find(({ stage: name }) => {
        const status = workflow.stages.find((s) => s.stage === name)?.status;
        return deps.stages[name] && status !== 'completed' && status !== 'skipped';
      });
      await commit(workflow.id, {
        type: 'workflow.resumed',
        data: { workflow_id: workflow.id, stage: stage?.stage ?? null, at: now() },
      });
      launch(workflow.id);
    }
  };

  const newWorkflow = (request: CreateWorkflowRequest, id: string): Workflow => {
    const t = now();
    return {
      id,
      mode: request.mode,
      title: clip(request.title ?? request.input.split(/\s+/).slice(0, 8).join(' '), 200),
      input: request.input,
      status: 'queued',
      queue_position: null,
      error: null,
      stages: PIPELINE.map((p) => ({
        stage: p.stage,
        agent: p.agent,
        status:
          (request.mode === 'script' && p.stage === 'script') || !deps.stages[p.stage]
            ? 'skipped'
            : 'waiting',
        progress: 0,
        started_at: null,
        completed_at: null,
        artifact: null,
      })),
      created_at: t,
      updated_at: t,
    };
  };
  /** Workflows ahead of a new one for its first agent: those waiting plus one if every slot is busy. */
  const queuePosition = (workflow: Workflow): number => {
    const first = PIPELINE.find((p) =>
      workflow.stages.some((s) => s.stage === p.stage && s.status === 'waiting'),
    );
    const agent = first ? pool.statuses().find((a) => a.name === first.agent) : undefined;
    return agent ? pool.waiting(agent.name) + (agent.active >= agent.capacity ? 1 : 0) : 0;
  };

  return {
    async start() {
      await restore().catch((error: unknown) =>
        log.error('workflow.restore_failed', { error: errorMessage(error) }),
      );
      tickMetrics();
      if (!stopped) metricsLoop = createTickLoop(deps.metricsRateHz, tickMetrics);
    },
    room,
    open: async (id) => {
      await events.open(room(id));
    },
    snapshot: (id) => ({ ...events.applied(room(id)), workflow: workflows.get(id) ?? null }),
    get: (id) => workflows.get(id) ?? null,
    list: () => [...workflows.values()].sort((a, b) => b.created_at - a.created_at),
    async create(request) {
      const id =
        request.id ??
        `wf_${Math.floor(now()).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const created = await events.inTurn(room(id), async (append) => {
        if (workflows.has(id))
          return domainFailure('conflict', `workflow "${id}" already exists`, 'id');
        const workflow = newWorkflow(request, id);
        const stored = await appendEvent(append, id, {
          type: 'workflow.created',
          data: { workflow_id: id, workflow },
        });
        if ('ok' in stored) return stored;
        const queued = await appendEvent(append, id, {
          type: 'workflow.queued',
          data: { workflow_id: id, position: queuePosition(workflow), at: workflow.created_at },
        });
        return 'ok' in queued ? queued : { ok: true as const, workflow };
      });
      if (!created.ok) return created;
      launch(id);
      return { ok: true, workflow: workflows.get(id) ?? created.workflow };
    },
    async cancel(id) {
      const workflow = workflows.get(id);
      if (!workflow) return domainFailure('not_found', `workflow "${id}" does not exist`, 'id');
      if (isTerminal(workflow))
        return domainFailure('conflict', `workflow "${id}" is already ${workflow.status}`, 'id');
      running.get(id)?.abort(new Error('cancelled'));
      const refused = await commit(id, {
        type: 'workflow.cancelled',
        data: { workflow_id: id, at: now() },
      });
      return refused ?? { ok: true, workflow: workflows.get(id) ?? workflow };
    },
    agents: () => pool.statuses(),
    forget(id) {
      const workflow = workflows.get(id);
      if (workflow && isTerminal(workflow)) workflows.delete(id);
    },
    stop() {
      stopped = true;
      metricsLoop?.stop();
      for (const controller of running.values()) controller.abort(new Error('server stopping'));
    },
  };
}
