import type { ConnectionEntry } from '../core/createClient.js';
import { useLivelineClient } from './useLivelineClient.js';
import { useStore } from './useStore.js';

/** Every connection of the page by URL, for an overall indicator or diagnostics. */
export function useConnections(): Readonly<Record<string, ConnectionEntry>> {
  return useStore(useLivelineClient().connections);
}
