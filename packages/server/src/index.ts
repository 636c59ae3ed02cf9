import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloseCode,
  PROTOCOL_VERSION,
  restartReason,
  STAGE_NAMES,
  type Health,
  type StageName,
} from '@liveline/protocol';
import { resolveServerOptions, type ServerOptions } from './config/serverOptions.js';
import { createBoardDomain } from './domains/board/createBoardDomain.js';
import { createEventLog } from './domains/createEventLog.js';
import { createTickLoop } from './domains/createTickLoop.js';
import { createTransportDomain } from './domains/transport/createTransportDomain.js';
import { createBuiltinStage } from './domains/workflow/builtinStages.js';
import { createWorkflowDomain } from './domains/workflow/createWorkflowDomain.js';
import type { Stage } from './domains/workflow/Stage.js';
import { LivelineServerError } from './errors.js';
import { createLogger } from './log/createLogger.js';
import { packageVersion } from './packageVersion.js';
import { createMemoryBroker } from './rooms/createMemoryBroker.js';
import { boardRoutes } from './routes/boardRoutes.js';
import { systemRoutes } from './routes/systemRoutes.js';
import { transportRoutes } from './routes/transportRoutes.js';
import { COORDINATOR_ROOM, agentRoom, workflowRoutes } from './routes/workflowRoutes.js';
import { createSqliteStorage } from './storage/createSqliteStorage.js';
import { assertHandlers } from './transport/assertHandlers.js';
import { createHttpHandler } from './transport/createHttpHandler.js';
import { createWsGateway } from './transport/createWsGateway.js';
import { encodeText } from './transport/wireFrame.js';
import { createClientErrorHandler, httpServerOptions } from './transport/httpServerOptions.js';
import type { RouteHandlers } from './transport/RouteHandlers.js';

export type { ServerOptions } from './config/serverOptions.js';
export { ConfigError, LivelineServerError, StorageError } from './errors.js';
export type { Stage, StageInput } from './domains/workflow/Stage.js';
export { failMarker } from './domains/workflow/builtinStages.js';
export { DEFAULT_COLUMNS } from './domains/board/defaultColumns.js';

/**
 * Connections the kernel may hold for the server to accept (capped by `net.core.somaxconn`). In a
 * connect or reconnect storm thousands of clients arrive faster than one event loop accepts; with
 * Node's default of 511 the queue overflows, the kernel drops SYNs, and each of those clients'
 * TCP stacks retries only a second or more later.
 */
const LISTEN_BACKLOG = 4096;

/** How long `stop()` waits for clients to acknowledge the 1012 close before cutting them off, in ms. */
export const DRAIN_TIMEOUT_MS = 2_000;

/** A running Liveline server. */
export interface LivelineServer {
  /** `http://host:port` of the server. */
  readonly origin: string;
  /** The port it listens on. */
  readonly port: number;
  /** Drains (503 for new upgrades, 1012 to every socket), flushes storage and closes. */
  stop(): Promise<void>;
  /** Closes every socket with `code` and `reason`. */
  disconnectAll(code: number, reason: string): void;
  /** The `/health` body. */
  stats(): Health;
}

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (cause: Error): void =>
      reject(
        new LivelineServerError('listen', `cannot listen on ${host}:${port}: ${cause.message}`, {
          cause,
        }),
      );
    server.once('error', onError);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });

/** Starts a Liveline server: every route of the protocol table on one origin (see {@link ServerOptions}). */
export async function startServer(options: ServerOptions = {}): Promise<LivelineServer> {
  const config = resolveServerOptions(options);
  const { now } = config;
  const log = createLogger(config.logLevel);
  const startedAt = now();
  const version = packageVersion();
  const storage = createSqliteStorage(config.dataDir, log);
  const broker = createMemoryBroker(
    {
      maxEvents: config.historyMaxEvents,
      maxAgeMs: config.historyMaxAgeMs,
      maxBytes: config.historyMaxBytes,
    },
    now,
    encodeText,
  );
  const events = createEventLog({
    broker,
    storage,
    log,
    now,
    historyMaxEvents: config.historyMaxEvents,
  });
  const transport = createTransportDomain({
    broker,
    storage,
    log,
    now,
    clockRateHz: config.clockRateHz,
  });
  const boards = createBoardDomain({ events, broker, storage, log, now });
  const stages = Object.fromEntries(
    STAGE_NAMES.map((name) => [name, createBuiltinStage(name, config.stageDurationMs)]),
  ) as Record<StageName, Stage>;
  const workflows = createWorkflowDomain({
    events,
    storage,
    log,
    now,
    stages,
    agentCapacity: config.agentCapacity,
    onAgentStatus: (status) =>
      broker.setLatest(
        agentRoom(status.name),
        JSON.stringify({ type: 'agent_status', data: status }),
      ),
  });
  for (const status of workflows.agents())
    broker.setLatest(
      agentRoom(status.name),
      JSON.stringify({ type: 'agent_status', data: status }),
    );

  let draining = false;
  const health = (): Health => {
    const db = storage.status();
    return {
      status: draining ? 'draining' : db.ok ? 'healthy' : 'degraded',
      version,
      timestamp: new Date().toISOString(),
      database: db.ok ? 'connected' : 'error',
      database_error: db.ok ? null : db.error,
      uptime_seconds: Math.max(0, (now() - startedAt) / 1000),
      protocol_version: PROTOCOL_VERSION,
      routes: gateway.stats(),
    };
  };

  const handlers: RouteHandlers = {
    ...systemRoutes(health),
    ...transportRoutes(broker, transport),
    ...boardRoutes(broker, boards, now),
    ...workflowRoutes(broker, workflows),
  };
  assertHandlers(handlers);

  let allowedOrigins: readonly string[] = config.allowedOrigins ?? [];
  const gateway = createWsGateway({
    handlers,
    log,
    now,
    flow: {
      orderedMaxBufferedBytes: config.orderedMaxBufferedBytes,
      latestMaxBufferedBytes: config.latestMaxBufferedBytes,
    },
    rateLimitPerSecond: config.rateLimitPerSecond,
    rateLimitBurst: config.rateLimitBurst,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    pingIntervalMs: config.pingIntervalMs,
    isOriginAllowed: (origin) => allowedOrigins.includes(origin),
    caps: {
      maxConnections: config.maxConnections,
      maxConnectionsPerIp: config.maxConnectionsPerIp,
    },
  });
  const publishMetrics = (): void =>
    broker.setLatest(
      COORDINATOR_ROOM,
      JSON.stringify({ type: 'metrics', data: workflows.metrics(gateway.connectionCount()) }),
    );
  publishMetrics();
  const metricsLoop = createTickLoop(config.metricsRateHz, publishMetrics);

  const server = createServer(
    httpServerOptions(config),
    createHttpHandler({ handlers, log, webDir: config.webDir }),
  );
  server.on('clientError', createClientErrorHandler(log));
  server.on('upgrade', (req, socket, head: Buffer) => gateway.handleUpgrade(req, socket, head));
  const shutdownDomains = (): void => {
    metricsLoop.stop();
    transport.stop();
    workflows.stop();
  };
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    shutdownDomains();
    gateway.close();
    storage.close();
    throw error;
  }
  const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  allowedOrigins = config.allowedOrigins ?? [
    origin,
    `http://localhost:${port}`,
    `http://127.0.0.1:${port}`,
    'http://127.0.0.1:5173',
    'http://localhost:5173',
  ];
  log.info('server.started', { origin, data_dir: config.dataDir, web_dir: config.webDir });

  let stopping: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    draining = true;
    gateway.startDraining();
    const spreadMs = (1000 * gateway.connectionCount()) / config.restartReconnectsPerSecond;
    gateway.disconnectAll(CloseCode.ServiceRestart, restartReason(spreadMs));
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (gateway.connectionCount() > 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    shutdownDomains();
    gateway.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    storage.close();
    log.info('server.stopped', { origin });
  };

  return {
    origin,
    port,
    stop: () => (stopping ??= stop()),
    disconnectAll: (code, reason) => gateway.disconnectAll(code, reason),
    stats: health,
  };
}
