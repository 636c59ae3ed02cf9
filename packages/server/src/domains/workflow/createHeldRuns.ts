import {
  applyWorkflowEvent,
  parse,
  workflowEventSchema,
  workflowSchema,
  type Workflow,
} from '@liveline/protocol';
import type { Storage } from '../../storage/Storage.js';
import type { RoomFollower } from '../catchUpRoom.js';
import type { EventLog } from '../createEventLog.js';
import { createIdleRooms } from '../createIdleRooms.js';
import { isTerminal } from './runWorkflow.js';

/**
 * A render stage stored `completed` without its video never ran: before 0f2cc4e a run resumed on
 * a node rendering no video completed with its waiting render marked completed (PROTOCOL.md W6).
 */
const neverRendered = ({ stage, status, artifact }: Workflow['stages'][number]): boolean =>
  stage === 'render' && status === 'completed' && artifact === null;

/**
 * A stored workflow document as the server serves it, or `null` if there is none or it does not
 * parse. A render stage that never ran is `skipped`, as a node rendering no video marks it now,
 * so every reader of a run (the page, the video route, the sweep) has one rule: only `completed`
 * vouches for a video.
 */
export const parseStoredWorkflow = (stored: unknown): Workflow | null => {
  const parsed = stored === null ? null : parse(workflowSchema, stored);
  if (!parsed?.ok) return null;
  const workflow = parsed.value;
  if (!workflow.stages.some(neverRendered)) return workflow;
  const stages = workflow.stages.map((s) =>
    neverRendered(s) ? { ...s, status: 'skipped' as const } : s,
  );
  return { ...workflow, stages };
};

/** The runs this node holds in memory, as it last applied them. */
export interface HeldRuns {
  /** The run as this node last applied it, or `null` if it holds none with that id. */
  get(id: string): Workflow | null;
  /** Keeps a run as applied; a run held is a run used. */
  hold(id: string, workflow: Workflow): void;
  /** Marks a run's room used now (rule G1), held or not. */
  use(id: string): void;
  /** Lets go of a run (retention deleted it). */
  drop(id: string): void;
  /** Follows the events other nodes append to a run's room (see EventLog.catchUp). */
  follower(id: string): RoomFollower;
  /**
   * Brings a run up to storage, so that a snapshot pairs it with its seq; only valid in its
   * room's turn. Answers whether the room's position moved.
   */
  refresh(id: string): Promise<boolean>;
}

/**
 * Creates the {@link HeldRuns}. A run that `busy` does not claim (it runs here, this node owns it,
 * someone here watches it) leaves memory with its room's position once nobody used it for
 * `idleMs` (rule G1), finished or owned by another node. The next open reads it back as stored, so
 * a run another node's retention deleted is not found here either (G3), with no message between
 * nodes.
 */
export function createHeldRuns(deps: {
  events: EventLog;
  storage: Storage;
  room: (id: string) => string;
  now: () => number;
  idleMs: number;
  busy: (id: string) => boolean;
}): HeldRuns {
  const { events, storage, room } = deps;
  const workflows = new Map<string, Workflow>();
  const idle = createIdleRooms({
    events,
    room,
    now: deps.now,
    idleMs: deps.idleMs,
    busy: deps.busy,
    release: (id) => void workflows.delete(id),
  });
  const hold = (id: string, workflow: Workflow): void => {
    workflows.set(id, workflow);
    idle.use(id);
  };
  const reread = async (id: string): Promise<void> => {
    const workflow = parseStoredWorkflow(await storage.loadDocument('workflow', id));
    if (workflow) hold(id, workflow);
    else workflows.delete(id);
  };
  const follower = (id: string): RoomFollower => ({
    replay(frame) {
      const event = parse(workflowEventSchema, JSON.parse(frame));
      const next = event.ok ? applyWorkflowEvent(workflows.get(id) ?? null, event.value) : null;
      if (next) hold(id, next);
      // A run not held here (released while idle) cannot take a later event: it is read again.
      return next !== null;
    },
    reload: () => reread(id),
  });

  return {
    get: (id) => workflows.get(id) ?? null,
    hold,
    use: (id) => idle.use(id),
    drop: (id) => void workflows.delete(id),
    follower,
    async refresh(id) {
      const head = await events.open(room(id));
      const held = workflows.get(id);
      // A run in progress replays the events other nodes appended.
      if (held && !isTerminal(held)) return events.catchUp(room(id), follower(id));
      // A finished run takes no more events, but retention on another node may have deleted it
      // (G3): storage then opens its room anew, with another epoch.
      if (held && (await storage.readHead(room(id))).epoch === head.epoch) return false;
      // One not held has nothing to replay onto: it is read as stored, between two equal heads.
      return events.catchUp(room(id), { reload: () => reread(id) });
    },
  };
}
