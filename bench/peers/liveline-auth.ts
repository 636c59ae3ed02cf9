/**
 * Liveline with auth on: every client offers a signed token of its own, verified once per
 * connection (PROTOCOL.md A2, A6). Compared with `liveline` it prices auth per accepted connection.
 */
import { BENCH_AUTH_SECRET } from '../lib/benchToken.js';
import { startLivelinePeer } from './startLivelinePeer.js';

await startLivelinePeer(BENCH_AUTH_SECRET);
