import { useMemo } from 'react';
import { channelStore } from '../lib/channelStore';
import { openChannel } from '../lib/liveline';
import { INITIAL_RUN, reduceWorkflowRun, type WorkflowRunState } from '../stores/workflowRunState';
import { useChannelState } from './useChannelState';

/** The live state of run `id` over `/ws/workflow/{id}`; ids not started yet wait for the run. */
export function useWorkflowRun(id: string): WorkflowRunState {
  const store = useMemo(
    () => channelStore(openChannel('workflow', { params: { id } }), reduceWorkflowRun, INITIAL_RUN),
    [id],
  );
  return useChannelState(store);
}
