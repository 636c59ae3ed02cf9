import type { CoordinatorMetrics } from '@liveline/protocol';
import type { ConnectionState } from '../core/connectionMachine.js';
import { reduceCoordinator } from '../core/latestViews.js';
import { useChannel } from './useChannel.js';
import { useConnection } from './useConnection.js';
import { useView } from './useView.js';

/** The coordinator's newest metrics, and the connection's state. */
export function useCoordinator(): {
  metrics: CoordinatorMetrics | null;
  connection: ConnectionState;
} {
  const channel = useChannel('coordinator');
  return { metrics: useView(channel, reduceCoordinator, null), connection: useConnection(channel) };
}
