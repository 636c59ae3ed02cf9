/**
 * Liveline's real server (`startServer`, every route of the table) in its own process. Only the
 * inbound rate limit is raised: its default (50 msg/s per socket) would close the echo client and
 * the publisher, and the peers have no such limit. `DATA_DIR` survives restarts (history, epoch).
 */
import { startServer } from '@liveline/server';
import { announceReady, requestedPort } from './peerReady.js';

/** Inbound messages per second (and burst) a bench socket may send. */
const BENCH_RATE_LIMIT = 1_000_000;

const server = await startServer({
  port: requestedPort(),
  host: '127.0.0.1',
  dataDir: process.env.DATA_DIR ?? './data',
  webDir: null,
  logLevel: 'error',
  rateLimitPerSecond: BENCH_RATE_LIMIT,
  rateLimitBurst: BENCH_RATE_LIMIT,
});
announceReady(server.port, () => server.stop());
