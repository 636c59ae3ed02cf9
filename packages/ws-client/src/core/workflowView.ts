import {
  applyWorkflowEvent,
  isOrderedEvent,
  type ResumeLostReason,
  type ServerMessage,
  type Workflow,
  type WorkflowEvent,
} from '@liveline/protocol';

/** What a workflow page shows: the reduced run and its events in seq order, once each, no gap. */
export interface WorkflowView {
  readonly workflow: Workflow | null;
  /** The events after snapshot `since`: `since + 1`, `since + 2`, … */
  readonly events: readonly WorkflowEvent[];
  /** The seq of the snapshot the event list continues; `null` before the first snapshot. */
  readonly since: number | null;
  /** False after a resume failed and a fresh snapshot replaced the state (rule R5). */
  readonly recovered: boolean;
  readonly reason: ResumeLostReason | null;
  /**
   * The run this view had is gone: a snapshot said the id was never started (retention deleted
   * the run, rule G3). False again once the id starts again.
   */
  readonly deleted: boolean;
}

/** The initial {@link WorkflowView}. */
export const EMPTY_WORKFLOW: WorkflowView = {
  workflow: null,
  events: [],
  since: null,
  recovered: true,
  reason: null,
  deleted: false,
};

/** Reduces `/ws/workflow/{id}` messages with the protocol's {@link applyWorkflowEvent}. */
export function reduceWorkflow(
  state: WorkflowView,
  message: ServerMessage<'workflow'>,
): WorkflowView {
  const last = state.events.at(-1);
  if (message.type === 'snapshot') {
    // The list continues only if the snapshot is where it ended; else it restarts there (rule R2).
    const keep = last?.epoch === message.epoch && last.seq === message.seq;
    return {
      ...(keep ? state : { events: [], since: message.seq }),
      workflow: message.data.workflow,
      recovered: message.recovered !== false,
      reason: message.reason ?? null,
      deleted: !message.data.workflow && (!!state.workflow || state.deleted),
    };
  }
  if (!isOrderedEvent(message)) return state;
  // The channel already drops replays (rule R9); a view shared across resubscribes checks again.
  if (message.seq <= (last?.seq ?? state.since ?? -1)) return state;
  return {
    ...state,
    workflow: applyWorkflowEvent(state.workflow, message),
    events: [...state.events, message],
    deleted: false,
  };
}
