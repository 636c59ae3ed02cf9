import {
  parse,
  type AgentName,
  type CreateWorkflowRequest,
  workflowSchema,
  type StageName,
  type Workflow,
} from '@liveline/protocol';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { Broker } from '../../rooms/Broker.js';
import type { LeaseFence, Storage } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import type { EventLog } from '../createEventLog.js';
import { createCoordinatorPublisher } from './createCoordinatorPublisher.js';
import { createHeldRuns, parseStoredWorkflow } from './createHeldRuns.js';
import { createRunOwnership, fenceOf } from './createRunOwnership.js';
import { createRunWriter } from './createRunWriter.js';
import type { MetricsSlices } from './MetricsSlices.js';
import { createTakeover } from './createTakeover.js';
import { createUnfinishedRunCap } from './createUnfinishedRunCap.js';
import { newWorkflow, positionAt, queuePosition } from './newWorkflow.js';
import {
  UNFINISHED_STATUSES,
  isTerminal,
  runWorkflow,
  type UnnumberedWorkflowEvent,
} from './runWorkflow.js';
import { retryUntilDone } from '../retryUntilDone.js';
import type { Stage } from './Stage.js';
import type { WorkflowDomain } from './WorkflowDomain.js';

/** The answer to a start of an id a run has already (rule W1). */
const idTaken = (id: string): DomainFailure =>
  domainFailure('conflict', `workflow "${id}" already exists`, 'id');

/** The answer to a start while the node stops: it takes no run any more (rule WL4). */
const stopping = domainFailure('unavailable', 'the server is stopping; start the run again');

/**
 * Creates the coordinator, which owns the workflow rooms, the agents' latest rooms (published at
 * once and on every change) and the coordinator's; `start` restores what storage holds. Each run
 * it runs is its own through a lease (rules WL1–WL4), and every event of it is fenced with it.
 */
export function createWorkflowDomain(deps: {
  events: EventLog;
  storage: Storage;
  broker: Broker;
  log: Logger;
  now: () => number;
  /** This node's id, the owner of the runs it runs. */
  nodeId: string;
  /** Time a run's lease lasts unless renewed, in ms (rule WL2). */
  leaseMs: number;
  /** How long a run nobody here runs, owns, watches or uses stays in memory, in ms (rule G1). */
  idleMs: number;
  /** The worker of each stage; a stage without one is `skipped` in every new workflow. */
  stages: Partial<Record<StageName, Stage>>;
  agentCapacity: number;
  /** Coordinator metrics published per second. */
  metricsRateHz: number;
  /** Sockets connected now, for the metrics. */
  connectedClients: () => number;
  /** The other nodes' shares of the metrics (rule CM1). */
  metricsSlices: MetricsSlices;
  /** Queued and running runs stored at most: a new run's start is refused beyond them (rule W8). */
  maxUnfinishedRuns: number;
}): WorkflowDomain {
  const { events, storage, broker, log, now } = deps;
  const running = new Map<string, AbortController>();
  const ownership = createRunOwnership({
    storage,
    node: deps.nodeId,
    leaseMs: deps.leaseMs,
    now,
    log,
  });
  // The queue moves only once acquires run, after everything here exists.
  const coordinator = createCoordinatorPublisher({
    ...deps,
    queueMoved: (agent) => requeue(agent),
  });
  const { pool, counters } = coordinator;
  const cap = createUnfinishedRunCap(storage, deps.maxUnfinishedRuns, log);
  let stopped = false;
  const room = (id: string): string => `workflow:${id}`;
  const runs = createHeldRuns({
    events,
    storage,
    room,
    now,
    idleMs: deps.idleMs,
    busy: (id) =>
      stopped ||
      running.has(id) ||
      ownership.fence(id) !== undefined ||
      broker.subscriberCount(room(id)) > 0,
  });

  const writer = createRunWriter({ events, runs, ownership, running, log, room });
  const { commit, holds, lose } = writer;
  /**
   * Tells each run still queued here for `agent` its new place in line, when it changed (W3). It
   * is appended in the run's room turn ahead of any start of it: a run taken from the queue is no
   * longer in it. A stopping node writes none: its runs are handed over.
   */
  const requeue = (agent: AgentName): void => {
    if (stopped) return;
    pool.queue(agent).forEach((id, index) => {
      const workflow = runs.get(id);
      const position = positionAt(pool, agent, index);
      if (workflow?.status !== 'queued' || workflow.queue_position === position) return;
      const data = { workflow_id: id, position, at: now() };
      void commit(id, { type: 'workflow.queued', data }, ownership.fence(id));
    });
  };
  /** Brings a run another node writes up to storage, in its room's turn. */
  const follow = (id: string): Promise<boolean> => events.inTurn(room(id), () => runs.refresh(id));

  /** Releases the lease of a run that ended and no longer runs here (rule WL4). */
  const releaseEnded = (id: string): void => {
    const workflow = runs.get(id);
    if (!running.has(id) && workflow && isTerminal(workflow)) void ownership.release(id);
  };
  /** Runs a run this node took under `fence`: every event of it is written under that lease. */
  const launch = (id: string, fence: LeaseFence): void => {
    // A run stored while the node stops is handed over with its lease, and runs on its next owner.
    if (stopped) return;
    const controller = new AbortController();
    running.set(id, controller);
    const context = {
      stages: deps.stages,
      pool,
      now,
      current: (runId: string) => runs.get(runId),
      commit: (runId: string, event: UnnumberedWorkflowEvent) => commit(runId, event, fence),
      metrics: counters,
      log,
    };
    void runWorkflow(context, id, controller.signal).finally(() => {
      running.delete(id);
      releaseEnded(id);
      // Stopped without its end stored (storage refused it) while still ours: renewing the lease
      // would keep the run unfinished for as long as this node lives. Let it lapse, and a node
      // (this one, maybe) takes the run over from its stored state (W4, WL4).
      const workflow = runs.get(id);
      if (!stopped && holds(fence) && !(workflow && isTerminal(workflow))) ownership.drop(id);
    });
  };

  const takeOver = createTakeover({
    ownership,
    stages: deps.stages,
    now,
    log,
    follow,
    current: (id) => runs.get(id),
    commit,
    busy: (id) => stopped || running.has(id),
    launch,
  });

  /** Holds and takes over the runs a start may resume; a finished one is read back when used (G1). */
  const restore = async (): Promise<void> => {
    for (const stored of await storage.listWorkflows(UNFINISHED_STATUSES)) {
      const parsed = parse(workflowSchema, stored);
      if (!parsed.ok) {
        log.warn('workflow.restore_skipped', { error: parsed.error.message });
        continue;
      }
      // A run started while storage could not be read is held already, and newer than its row.
      if (runs.get(parsed.value.id)) continue;
      runs.hold(parsed.value.id, parsed.value);
      await takeOver(parsed.value.id);
    }
  };

  /** 409 `conflict` if a run is stored under `id`, else null. */
  const storedConflict = async (id: string): Promise<DomainFailure | null> =>
    (await storage.loadDocument('workflow', id)) === null ? null : idTaken(id);

  /**
   * Whether a start that failed may have stored its run: in part (held here), by another node, or
   * with storage failing after its commit (its reply lost), which only a read tells.
   */
  const mayBeStored = async (id: string): Promise<boolean> =>
    runs.get(id) !== null ||
    (await storage.loadDocument('workflow', id).then(
      (stored) => stored !== null,
      () => true,
    ));

  /** Starts a new workflow `id` once it is stored (409 `conflict` if the id exists). */
  const createRun = async (
    request: CreateWorkflowRequest,
    id: string,
  ): Promise<{ ok: true; workflow: Workflow } | DomainFailure> => {
    const exists = idTaken(id);
    // A stored run is the answer also on a stopping node: a start retried there learns it exists.
    const stored = await storedConflict(id);
    if (stored) return stored;
    const lease = await ownership.take(id);
    if (!lease) return stopped ? stopping : exists;
    const fence = fenceOf(lease);
    const created = await events.inTurn(room(id), async (append) => {
      // A copy held here may be of a run another node's retention deleted since (G3).
      await runs.refresh(id);
      if (runs.get(id)) return exists;
      const workflow = newWorkflow(request, id, now(), deps.stages);
      const stored = await writer.append(
        append,
        id,
        { type: 'workflow.created', data: { workflow_id: id, workflow } },
        fence,
      );
      if ('ok' in stored) return stored;
      const queued = await writer.append(
        append,
        id,
        {
          type: 'workflow.queued',
          data: {
            workflow_id: id,
            position: queuePosition(workflow, pool),
            at: workflow.created_at,
          },
        },
        fence,
      );
      return 'ok' in queued ? queued : { ok: true as const, workflow };
    });
    if (!created.ok) {
      // Nothing stored: the id is free, so its lease goes too, or a retry on another node would be
      // 409 until it lapsed (WL1). A run that may be stored is handed over: a release would leave
      // it with no lease for a takeover to find, unfinished until a restart (WL4).
      if (await mayBeStored(id)) await ownership.handOverRun(id);
      else await ownership.release(id);
      return created;
    }
    launch(id, fence);
    return { ok: true, workflow: runs.get(id) ?? created.workflow };
  };

  return {
    async start() {
      // A node stopped before its broker was ready never starts: its storage may be closed.
      if (stopped) return;
      // Renewing first: a restore of many runs (or on a slow database) takes longer than a lease,
      // and the runs it took early must not lapse to other nodes meanwhile (WL2).
      ownership.start({ lost: lose, lapsed: (id) => void takeOver(id) });
      await restore().catch((error: unknown) => {
        log.error('workflow.restore_failed', { error: errorMessage(error) });
        retryUntilDone(
          async () => {
            await restore();
            log.info('workflow.restore_recovered', {});
          },
          () => stopped,
        );
      });
      coordinator.start();
    },
    room,
    open: async (id) => {
      runs.use(id);
      await events.open(room(id));
      if (!ownership.fence(id)) await follow(id);
    },
    catchUp: async (id) => void (await follow(id)),
    snapshot: (id) => ({ ...events.applied(room(id)), workflow: runs.get(id) }),
    load: async (id) =>
      ownership.fence(id)
        ? runs.get(id)
        : parseStoredWorkflow(await storage.loadDocument('workflow', id)),
    deletedAt: async (id) => {
      const tombstone = await storage.loadTombstone(id);
      // A run stored under the id again is the id's now (G5).
      return tombstone && (await storage.loadDocument('workflow', id)) === null
        ? tombstone.deletedAt
        : null;
    },
    list: async ({ limit, before }) => {
      // One run more than the page tells whether another page follows.
      const stored = await storage.readWorkflowPage(before, limit + 1);
      const page = stored.slice(0, limit);
      return {
        workflows: page.flatMap(({ value }) => {
          const workflow = parseStoredWorkflow(value);
          if (!workflow) return [];
          return [(ownership.fence(workflow.id) && runs.get(workflow.id)) || workflow];
        }),
        next: stored.length > limit ? (page.at(-1)?.position ?? null) : null,
      };
    },
    // Only a new run passes the cap: a resumed or taken-over one is stored already (rule W8).
    create: (request) => {
      const id =
        request.id ??
        `wf_${Math.floor(now()).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      return cap.start(
        () => createRun(request, id),
        () => storedConflict(id),
      );
    },
    async cancel(id) {
      // The room a follow opens leaves memory once idle, even for an id never started (G1).
      runs.use(id);
      if (!ownership.fence(id)) await follow(id);
      const workflow = runs.get(id);
      if (!workflow) return domainFailure('not_found', `workflow "${id}" does not exist`, 'id');
      if (isTerminal(workflow))
        return domainFailure('conflict', `workflow "${id}" is already ${workflow.status}`, 'id');
      const refused = await commit(
        id,
        { type: 'workflow.cancelled', data: { workflow_id: id, at: now() } },
        ownership.fence(id),
      );
      // A cancel storage refused did not happen (S3): the run goes on.
      if (!refused) running.get(id)?.abort(new Error('cancelled'));
      releaseEnded(id);
      return refused ?? { ok: true, workflow: runs.get(id) ?? workflow };
    },
    agents: () => coordinator.agents(),
    async forget(id) {
      const workflow = runs.get(id);
      if (workflow && !isTerminal(workflow)) return;
      runs.drop(id);
      await events.forget(room(id));
    },
    async stop() {
      stopped = true;
      coordinator.stop();
      for (const controller of running.values()) controller.abort(new Error('server stopping'));
      // A clean stop is no crash: the runs are handed over, not counted as resumes (W4, WL4).
      await ownership.handOver();
    },
  };
}
