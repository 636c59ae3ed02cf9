import type {
  AgentStatus,
  CreateWorkflowRequest,
  Workflow,
  WorkflowCursor,
  WorkflowListQuery,
} from '@liveline/protocol';
import type { StreamPosition } from '../../rooms/Broker.js';
import type { DomainFailure } from '../DomainFailure.js';

/** A workflow room's state and the position of the newest event it includes (rule R2). */
export interface WorkflowSnapshot extends StreamPosition {
  readonly workflow: Workflow | null;
}

/** The Idea2Video/Script2Video coordinator: workflows through agents, with ordered events. */
export interface WorkflowDomain {
  /**
   * Renews the leases of the runs it takes and takes over the runs whose owner died (from the
   * start, so a long restore loses no lease), restores the stored workflows and resumes those that
   * were running or queued and that no other node owns (rules W4, WL4), then publishes the
   * coordinator metrics at their rate.
   */
  start(): Promise<void>;
  /** The ordered room of a workflow id (started or not). */
  room(workflowId: string): string;
  /**
   * Opens a workflow room so a client can wait on an id not started yet (rule W2); a run another
   * node owns is read from storage as of its room's head.
   */
  open(workflowId: string): Promise<void>;
  /**
   * Brings an open workflow room up to storage's head in its turn, after the event being applied
   * (also for a run this node owns), so that its snapshot includes every event the broker has.
   */
  catchUp(workflowId: string): Promise<void>;
  /** The workflow room now; it must have been opened. */
  snapshot(workflowId: string): WorkflowSnapshot;
  /** The workflow as stored (as applied, for a run this node owns), or `null`. */
  load(workflowId: string): Promise<Workflow | null>;
  /**
   * When retention deleted the run of this id (rule G5), epoch ms, while its tombstone is kept;
   * `null` for an id never deleted, whose tombstone is gone, or under which a run is stored again.
   */
  deletedAt(workflowId: string): Promise<number | null>;
  /**
   * One page of the stored workflows, newest first (rule W7; a run this node owns as applied),
   * and the cursor of the next page, `null` on the last.
   */
  list(query: WorkflowListQuery): Promise<{ workflows: Workflow[]; next: WorkflowCursor | null }>;
  /**
   * Starts a workflow (409 `conflict` if the id exists) once it is stored; `limit_exceeded` when
   * `maxUnfinishedRuns` runs are queued or running (rule W8).
   */
  create(request: CreateWorkflowRequest): Promise<{ ok: true; workflow: Workflow } | DomainFailure>;
  /** Cancels a queued or running workflow, wherever it runs. */
  cancel(workflowId: string): Promise<{ ok: true; workflow: Workflow } | DomainFailure>;
  /** Every agent's status across the live nodes (rule CM1). */
  agents(): AgentStatus[];
  /**
   * Drops a finished run that retention deleted from storage (rule G3), with its room's state here
   * and in the broker, which tells its watchers on every node; a live run is kept. Rejects when the
   * broker could not drop the room (retention tries again, G5).
   */
  forget(workflowId: string): Promise<void>;
  /**
   * Stops the metrics, the lease renewals and every running workflow's in-memory work (server
   * stopping), then hands its runs over, with those a restore, takeover or start in flight takes
   * meanwhile: their leases lapse at once, and the next taking (here after a restart, or another
   * node) is no resume (W4, WL4); a start from then on is refused `unavailable`. Stored state stays
   * as is.
   */
  stop(): Promise<void>;
}
