import type { AgentStatus } from '@liveline/protocol';
import type { ConnectionState } from '../core/connectionMachine.js';
import { reduceAgent } from '../core/latestViews.js';
import { useChannel } from './useChannel.js';
import { useConnection } from './useConnection.js';
import { useView } from './useView.js';

/** One agent's newest status, and the connection's state. */
export function useAgent(name: string): {
  status: AgentStatus | null;
  connection: ConnectionState;
} {
  const channel = useChannel('agent', { params: { name } });
  return { status: useView(channel, reduceAgent, null), connection: useConnection(channel) };
}
