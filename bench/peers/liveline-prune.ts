/**
 * Liveline with retention that works all through a bench run (PROTOCOL.md G1–G4): a room keeps
 * 100 events, an op id 2 s, and pruning runs every second. In steady state a server with the
 * defaults deletes as many rows as it writes too (one event and one op id per op), only in
 * larger passes; here a 10 s fanout already runs in that state. Compared with `liveline` it
 * prices pruning on the fanout.
 */
import { startLivelinePeer } from './startLivelinePeer.js';

await startLivelinePeer(null, {
  historyMaxEvents: 100,
  opIdRetentionMs: 2000,
  pruneIntervalMs: 1000,
});
