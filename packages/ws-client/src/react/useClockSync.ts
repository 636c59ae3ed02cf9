import { useLivelineClient } from './useLivelineClient.js';
import { createClockSync, type ClockSync } from '../core/clockSync.js';
import type { Client } from '../core/createClient.js';

const syncs = new WeakMap<Client, ClockSync>();

/** The page's clock sync over the transport clock route (one per client). */
export function useClockSync(): ClockSync {
  const client = useLivelineClient();
  let sync = syncs.get(client);
  if (!sync) {
    sync = createClockSync(client.channel('clock'), { now: client.environment.now });
    syncs.set(client, sync);
  }
  return sync;
}
