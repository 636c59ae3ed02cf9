import { useSyncExternalStore } from 'react';
import type { ConnectionEntry } from '../core/createClient.js';
import { useLivelineClient } from './useLivelineClient.js';

/** Every connection of the page by URL, for an overall indicator or diagnostics. */
export function useConnections(): Readonly<Record<string, ConnectionEntry>> {
  const { connections } = useLivelineClient();
  return useSyncExternalStore(connections.subscribe, connections.getState, connections.getState);
}
