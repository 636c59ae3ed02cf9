/**
 * Liveline's real server (`startServer`, every route of the table) in its own process. Only
 * limits the peers do not have are raised: the inbound rate limit (its default, 50 msg/s per
 * socket, would close the echo client and the publisher) and the connection caps (every bench
 * client comes from 127.0.0.1, past the default 1000 per IP). `DATA_DIR` survives restarts. The
 * soak passes retention settings in `OP_ID_RETENTION_MS` and `PRUNE_INTERVAL_MS`.
 */
import { startServer, type LivelineServerOptions } from '@liveline/server';
import { announceReady, requestedPort } from './peerReady.js';

/** Inbound messages per second (and burst) a bench socket may send. */
const BENCH_RATE_LIMIT = 1_000_000;
/** Open sockets allowed, in total and from one IP: more than any scenario opens. */
const BENCH_CONNECTION_CAP = 100_000;

const fromEnv = (name: string): number | undefined =>
  process.env[name] ? Number(process.env[name]) : undefined;

const clusterFromEnv = (): LivelineServerOptions => {
  const { DATABASE_URL, REDIS_URL, NODE_ID } = process.env;
  if (!DATABASE_URL || !REDIS_URL) return {};
  return { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, ...(NODE_ID && { nodeId: NODE_ID }) };
};

/**
 * Starts the Liveline peer, with auth on when `authSecret` is given and `overrides` on top, and
 * announces it. `DATABASE_URL`, `REDIS_URL` and `NODE_ID` start it in cluster mode (cluster-fanout).
 */
export async function startLivelinePeer(
  authSecret: string | null,
  overrides: LivelineServerOptions = {},
): Promise<void> {
  const retention: LivelineServerOptions = {};
  const opIdRetentionMs = fromEnv('OP_ID_RETENTION_MS');
  const pruneIntervalMs = fromEnv('PRUNE_INTERVAL_MS');
  if (opIdRetentionMs !== undefined) retention.opIdRetentionMs = opIdRetentionMs;
  if (pruneIntervalMs !== undefined) retention.pruneIntervalMs = pruneIntervalMs;
  const server = await startServer({
    port: requestedPort(),
    host: '127.0.0.1',
    dataDir: process.env.DATA_DIR ?? './data',
    webDir: null,
    logLevel: 'error',
    rateLimitPerSecond: BENCH_RATE_LIMIT,
    rateLimitBurst: BENCH_RATE_LIMIT,
    maxConnections: BENCH_CONNECTION_CAP,
    maxConnectionsPerIp: BENCH_CONNECTION_CAP,
    ...retention,
    ...clusterFromEnv(),
    ...(authSecret !== null && { authSecret }),
    ...overrides,
  });
  announceReady(server.port, () => server.stop());
}
