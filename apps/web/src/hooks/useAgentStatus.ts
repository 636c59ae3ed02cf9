import { useMemo } from 'react';
import type { AgentStatus } from '@liveline/protocol';
import { channelStore } from '../lib/channelStore';
import { openChannel } from '../lib/liveline';
import { reduceAgent } from '../stores/agentState';
import { useChannelState } from './useChannelState';

/** The live status of agent `name` over `/ws/agent/{name}`; null until the first message. */
export function useAgentStatus(name: string): AgentStatus | null {
  const store = useMemo(
    () =>
      channelStore(
        openChannel('agent', { params: { name } }),
        reduceAgent,
        null as AgentStatus | null,
      ),
    [name],
  );
  return useChannelState(store);
}
