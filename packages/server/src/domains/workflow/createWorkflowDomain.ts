import {
  PIPELINE,
  TERMINAL_WORKFLOW_STATUSES,
  applyWorkflowEvent,
  parse,
  workflowSchema,
  type AgentStatus,
  type Artifact,
  type CoordinatorMetrics,
  type CreateWorkflowRequest,
  type StageName,
  type Workflow,
  type WorkflowEvent,
} from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { Storage } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import type { EventLog } from '../createEventLog.js';
import { createAgentPool } from './createAgentPool.js';
import { RENDER_AGENT_CAPACITY } from './render/createRenderStage.js';
import { clip } from './scriptText.js';
import type { Stage } from './Stage.js';
import { StageFailedError } from './Stage.js';

/** Stage latency samples kept for the percentiles. */
const LATENCY_SAMPLES = 500;
const MINUTE_MS = 60_000;

type UnnumberedWorkflowEvent = WorkflowEvent extends infer E
  ? E extends WorkflowEvent
    ? Omit<E, 'seq' | 'epoch'>
    : never
  : never;

/** The Idea2Video/Script2Video coordinator: workflows through agents, with ordered events. */
export interface WorkflowDomain {
  /** The ordered room of a workflow id (started or not). */
  room(workflowId: string): string;
  /** Opens a workflow room so a client can wait on an id not started yet (rule W2). */
  open(workflowId: string): void;
  /** The workflow, or `null` if no run has that id. */
  get(workflowId: string): Workflow | null;
  /** Workflows, newest first. */
  list(): Workflow[];
  /** Starts a workflow (409 `conflict` if the id exists). */
  create(request: CreateWorkflowRequest): { ok: true; workflow: Workflow } | DomainFailure;
  /** Cancels a queued or running workflow. */
  cancel(workflowId: string): { ok: true; workflow: Workflow } | DomainFailure;
  /** Every agent's status. */
  agents(): AgentStatus[];
  /** Coordinator metrics now. */
  metrics(connectedClients: number): CoordinatorMetrics;
  /** Aborts every running workflow's in-memory work (server stopping); stored state stays as is. */
  stop(): void;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

const isTerminal = (w: Workflow): boolean => TERMINAL_WORKFLOW_STATUSES.includes(w.status);

/** Creates the coordinator, marking workflows that were running at the last stop `interrupted` (rule W4). */
export function createWorkflowDomain(deps: {
  events: EventLog;
  storage: Storage;
  log: Logger;
  now: () => number;
  /** The worker of each stage; a stage without one is `skipped` in every new workflow. */
  stages: Partial<Record<StageName, Stage>>;
  agentCapacity: number;
  onAgentStatus: (status: AgentStatus) => void;
}): WorkflowDomain {
  const { events, storage, log, now } = deps;
  const workflows = new Map<string, Workflow>();
  const running = new Map<string, AbortController>();
  const latencies: number[] = [];
  const completions: number[] = [];
  const pool = createAgentPool(
    (agent) => (agent === 'renderer' ? RENDER_AGENT_CAPACITY : deps.agentCapacity),
    now,
    deps.onAgentStatus,
  );
  const room = (id: string): string => `workflow:${id}`;

  /**
   * Publishes an event after storing it and the workflow it produces, reducing it once; returns
   * the new workflow.
   */
  const commit = (id: string, event: UnnumberedWorkflowEvent): Workflow | null => {
    // Set by `persist`, which runs before the event is published.
    let next = null as Workflow | null;
    events.append(
      room(id),
      (position) => ({ ...event, ...position }),
      (numbered) => encodeMessage('workflow', numbered),
      (numbered) => {
        next = applyWorkflowEvent(workflows.get(id) ?? null, numbered);
        return next ? { documents: [{ kind: 'workflow', id, value: next }] } : {};
      },
    );
    if (next) workflows.set(id, next);
    return next;
  };

  /** Publishes unless storage fails; a storage failure is logged and the run goes on in memory. */
  const tryCommit = (id: string, event: UnnumberedWorkflowEvent): void => {
    try {
      commit(id, event);
    } catch (error) {
      log.error('workflow.persist_failed', {
        workflow_id: id,
        event: event.type,
        error: errorMessage(error),
      });
    }
  };

  for (const stored of storage.listDocuments('workflow')) {
    const parsed = parse(workflowSchema, stored);
    if (!parsed.ok) {
      log.warn('workflow.restore_skipped', { error: parsed.error.message });
      continue;
    }
    const workflow = parsed.value;
    workflows.set(workflow.id, workflow);
    events.open(room(workflow.id));
    if (!isTerminal(workflow))
      tryCommit(workflow.id, {
        type: 'workflow.interrupted',
        data: {
          workflow_id: workflow.id,
          reason: 'the server stopped while this workflow was running; start it again',
          at: now(),
        },
      });
  }

  const run = async (id: string, signal: AbortSignal): Promise<void> => {
    const artifacts: Partial<Record<StageName, Artifact>> = {};
    let started = false;
    const current = (): Workflow | null => workflows.get(id) ?? null;
    for (const step of PIPELINE) {
      const workflow = current();
      if (!workflow || isTerminal(workflow)) return;
      const stage = deps.stages[step.stage];
      if (!stage || workflow.stages.find((s) => s.stage === step.stage)?.status === 'skipped')
        continue;
      const lease = await pool.acquire(step.agent, id, step.stage, signal);
      const startedAt = now();
      try {
        if (!started)
          tryCommit(id, { type: 'workflow.started', data: { workflow_id: id, at: startedAt } });
        started = true;
        tryCommit(id, {
          type: 'stage.started',
          data: { workflow_id: id, stage: step.stage, at: startedAt },
        });
        const input = { id, mode: workflow.mode, text: workflow.input, title: workflow.title };
        const artifact = await stage.run(input, artifacts, signal, (progress) => {
          if (!signal.aborted)
            tryCommit(id, {
              type: 'stage.progress',
              data: { workflow_id: id, stage: step.stage, progress, at: now() },
            });
        });
        if (signal.aborted) return;
        artifacts[step.stage] = artifact;
        tryCommit(id, {
          type: 'stage.completed',
          data: { workflow_id: id, stage: step.stage, artifact, at: now() },
        });
        latencies.push(now() - startedAt);
        if (latencies.length > LATENCY_SAMPLES) latencies.shift();
        lease.release({ error: null });
      } catch (error) {
        lease.release({ error: signal.aborted ? null : clip(errorMessage(error)) });
        throw error instanceof StageFailedError || signal.aborted
          ? error
          : new StageFailedError(step.stage, errorMessage(error), { cause: error });
      }
    }
    tryCommit(id, { type: 'workflow.completed', data: { workflow_id: id, at: now() } });
    completions.push(now());
  };

  const launch = (id: string): void => {
    const controller = new AbortController();
    running.set(id, controller);
    run(id, controller.signal)
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const stage = error instanceof StageFailedError ? error.stage : null;
        tryCommit(id, {
          type: 'workflow.failed',
          data: { workflow_id: id, stage, reason: clip(errorMessage(error)), at: now() },
        });
      })
      .finally(() => running.delete(id));
  };

  return {
    room,
    open: (id) => events.open(room(id)),
    get: (id) => workflows.get(id) ?? null,
    list: () => [...workflows.values()].sort((a, b) => b.created_at - a.created_at),
    create(request) {
      const id =
        request.id ??
        `wf_${Math.floor(now()).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      if (workflows.has(id))
        return domainFailure('conflict', `workflow "${id}" already exists`, 'id');
      const t = now();
      const workflow: Workflow = {
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
      const first = PIPELINE.find((p) =>
        workflow.stages.some((s) => s.stage === p.stage && s.status === 'waiting'),
      );
      const firstAgent = first ? pool.statuses().find((a) => a.name === first.agent) : undefined;
      // Workflows ahead of this one for its first agent: those waiting plus one if every slot is busy.
      const position = firstAgent
        ? pool.waiting(firstAgent.name) + (firstAgent.active >= firstAgent.capacity ? 1 : 0)
        : 0;
      try {
        commit(id, { type: 'workflow.created', data: { workflow_id: id, workflow } });
        commit(id, { type: 'workflow.queued', data: { workflow_id: id, position, at: t } });
      } catch (error) {
        return domainFailure('unavailable', `workflow not stored: ${errorMessage(error)}`);
      }
      launch(id);
      return { ok: true, workflow: workflows.get(id) ?? workflow };
    },
    cancel(id) {
      const workflow = workflows.get(id);
      if (!workflow) return domainFailure('not_found', `workflow "${id}" does not exist`, 'id');
      if (isTerminal(workflow))
        return domainFailure('conflict', `workflow "${id}" is already ${workflow.status}`, 'id');
      running.get(id)?.abort(new Error('cancelled'));
      tryCommit(id, { type: 'workflow.cancelled', data: { workflow_id: id, at: now() } });
      return { ok: true, workflow: workflows.get(id) ?? workflow };
    },
    agents: () => pool.statuses(),
    metrics(connectedClients) {
      const all = [...workflows.values()];
      const count = (status: Workflow['status']): number =>
        all.filter((w) => w.status === status).length;
      const agents = pool.statuses();
      const sorted = [...latencies].sort((a, b) => a - b);
      const t = now();
      return {
        workflows: {
          active: count('running'),
          queued: count('queued'),
          completed: count('completed'),
          failed: count('failed'),
          cancelled: count('cancelled'),
          interrupted: count('interrupted'),
        },
        agents: {
          busy: agents.filter((a) => a.status === 'working').length,
          idle: agents.filter((a) => a.status === 'idle').length,
          error: agents.filter((a) => a.status === 'error').length,
        },
        stage_latency_ms: {
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          samples: sorted.length,
        },
        completed_last_minute: completions.filter((at) => t - at < MINUTE_MS).length,
        connected_clients: connectedClients,
        timestamp_ms: t,
      };
    },
    stop() {
      for (const controller of running.values()) controller.abort(new Error('server stopping'));
    },
  };
}
