import type { ClockSync } from '../core/clockSync.js';
import { useLivelineClient } from './useLivelineClient.js';

/** The page's clock sync over the transport clock route (the client's one for that channel). */
export function useClockSync(): ClockSync {
  const client = useLivelineClient();
  return client.clockSync(client.channel('clock'));
}
