import {
  applyWorkflowEvent,
  type ServerMessage,
  type Workflow,
  type WorkflowEvent,
} from '@liveline/protocol';

/** One ordered event as the run's event list shows it. */
export interface RunEventLine {
  readonly seq: number;
  readonly type: string;
  readonly detail: string;
  readonly at: number;
}

/** What the page knows of one run: the workflow, the events seen, and whether history was lost. */
export interface WorkflowRunState {
  readonly workflow: Workflow | null;
  readonly loaded: boolean;
  readonly events: readonly RunEventLine[];
  /** Set when a reconnect could not resume and a fresh snapshot replaced what was shown. */
  readonly resynced: boolean;
  /** The seq the newest snapshot was current at; the event list continues from there. */
  readonly snapshotSeq: number | null;
}

/** The state before the first snapshot. */
export const INITIAL_RUN: WorkflowRunState = {
  workflow: null,
  loaded: false,
  events: [],
  resynced: false,
  snapshotSeq: null,
};

const detailOf = (data: object): string =>
  [
    'stage' in data ? data.stage : null,
    'progress' in data && typeof data.progress === 'number' ? `${data.progress}%` : null,
    'reason' in data ? data.reason : null,
  ]
    .filter((p): p is string => typeof p === 'string')
    .join(' · ');

const CONTROL = new Set(['error', 'ack', 'heartbeat', 'time_sync', 'snapshot', 'resumed']);
const isEvent = (message: ServerMessage<'workflow'>): message is WorkflowEvent =>
  !CONTROL.has(message.type);

/** Folds one `/ws/workflow/{id}` message into the run state (rule W3 via the shared reducer). */
export function reduceWorkflowRun(
  state: WorkflowRunState,
  message: ServerMessage<'workflow'>,
): WorkflowRunState {
  if (message.type === 'snapshot')
    return {
      workflow: message.data.workflow,
      loaded: true,
      events: message.recovered === false ? [] : state.events,
      resynced: state.resynced || message.recovered === false,
      snapshotSeq:
        message.recovered === false || state.snapshotSeq === null ? message.seq : state.snapshotSeq,
    };
  if (!isEvent(message)) return state;
  const { data } = message;
  const line: RunEventLine = {
    seq: message.seq,
    type: message.type,
    detail: detailOf(data),
    at: 'at' in data ? data.at : data.workflow.created_at,
  };
  return {
    ...state,
    workflow: applyWorkflowEvent(state.workflow, message),
    events: [...state.events, line],
  };
}
