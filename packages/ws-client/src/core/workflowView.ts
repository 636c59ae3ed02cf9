import {
  applyWorkflowEvent,
  workflowEventVariants,
  type ResumeLostReason,
  type ServerMessage,
  type Workflow,
  type WorkflowEvent,
} from '@liveline/protocol';

/** What a workflow page shows: the reduced run and every event received, once each. */
export interface WorkflowView {
  readonly workflow: Workflow | null;
  readonly events: readonly WorkflowEvent[];
  /** False after a resume failed and a fresh snapshot replaced the state (rule R5). */
  readonly recovered: boolean;
  readonly reason: ResumeLostReason | null;
}

/** The initial {@link WorkflowView}. */
export const EMPTY_WORKFLOW: WorkflowView = {
  workflow: null,
  events: [],
  recovered: true,
  reason: null,
};
const isWorkflowEvent = (m: { type: string }): m is WorkflowEvent =>
  Object.hasOwn(workflowEventVariants, m.type);

/** Reduces `/ws/workflow/{id}` messages with the protocol's {@link applyWorkflowEvent}. */
export function reduceWorkflow(
  state: WorkflowView,
  message: ServerMessage<'workflow'>,
): WorkflowView {
  if (message.type === 'snapshot')
    return {
      ...state,
      workflow: message.data.workflow,
      recovered: message.recovered !== false,
      reason: message.reason ?? null,
    };
  if (!isWorkflowEvent(message)) return state;
  const seen = state.events.some((e) => e.seq === message.seq && e.epoch === message.epoch);
  if (seen) return state;
  return {
    ...state,
    workflow: applyWorkflowEvent(state.workflow, message),
    events: [...state.events, message],
  };
}
