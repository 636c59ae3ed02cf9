import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { CloseCode, PROTOCOL_VERSION, restartReason, type Health } from '@liveline/protocol';
import { resolveServerOptions, type ServerOptions } from '../config/serverOptions.js';
import { createBoardDomain } from '../domains/board/createBoardDomain.js';
import { createEventLog } from '../domains/createEventLog.js';
import { createTransportDomain } from '../domains/transport/createTransportDomain.js';
import { createWorkflowDomain } from '../domains/workflow/createWorkflowDomain.js';
import { LivelineServerError } from '../errors.js';
import { packageVersion } from '../packageVersion.js';
import { boardRoutes } from '../routes/boardRoutes.js';
import { systemRoutes } from '../routes/systemRoutes.js';
import { transportRoutes } from '../routes/transportRoutes.js';
import { videoRoutes } from '../routes/videoRoutes.js';
import { workflowRoutes } from '../routes/workflowRoutes.js';
import { assertHandlers } from '../transport/assertHandlers.js';
import { createAuth } from '../auth/createAuth.js';
import { createHttpHandler } from '../transport/createHttpHandler.js';
import { createRequestPolicy } from '../transport/createRequestPolicy.js';
import { createClientAddress } from '../transport/createClientAddress.js';
import { createWsGateway } from '../transport/createWsGateway.js';
import { createClientErrorHandler, httpServerOptions } from '../transport/httpServerOptions.js';
import type { RouteHandlers } from '../transport/RouteHandlers.js';
import { createRetention } from './createRetention.js';
import { listenOn } from './listenOn.js';
import { createLifecycle, type LifecycleState } from './lifecycle.js';
import { mountOnServer, originOf, type Mount } from './mountOnServer.js';
import { resolveParts, type LivelineParts } from './resolveParts.js';

/** How long `stop()` waits for clients to acknowledge the 1012 close before cutting them off, in ms. */
export const DRAIN_TIMEOUT_MS = 2_000;

/** Options of {@link createLivelineServer}: the settings of `startServer` plus replaceable parts. */
export interface LivelineServerOptions extends ServerOptions, LivelineParts {}

/** What a server can do in any state. */
interface LivelineControl {
  /** Where the server is in its life: `starting`, `listening`, `draining` or `stopped`. */
  readonly state: LifecycleState;
  /** Drains (503 for new upgrades, 1012 to every socket), stops the domains, closes what it opened. */
  stop(): Promise<void>;
  /** Closes every socket with `code` and `reason`. */
  disconnectAll(code: number, reason: string): void;
  /** The `/health` body. */
  stats(): Health;
}

/** A Liveline server listening on its own port. */
export interface LivelineServer extends LivelineControl {
  /** `http://host:port` of the server. */
  readonly origin: string;
  /** The port it listens on. */
  readonly port: number;
}

/** A Liveline server built but not yet serving: listen on its own port, or attach to a host's server. */
export interface Liveline extends LivelineControl {
  /** Listens on the `host` and `port` of the options (`startServer` is this). */
  listen(): Promise<LivelineServer>;
  /**
   * Serves the route table on `server` beside its own routes: the `request` and `upgrade`
   * listeners it has now keep every other path. `stop()` gives them back and leaves it open.
   */
  attach(server: Server | HttpsServer): void;
}

/** The origins allowed by default: the server's own, its loopback names and the Vite dev server's. */
const defaultAllowedOrigins = (origin: string): readonly string[] => {
  const { protocol, port } = new URL(origin);
  return [
    origin,
    `${protocol}//localhost:${port}`,
    `${protocol}//127.0.0.1:${port}`,
    'http://127.0.0.1:5173',
    'http://localhost:5173',
  ];
};

/**
 * Puts a Liveline server together from `options`: storage, broker, stages, clock (`now`) and
 * logger are built from the settings unless given. Nothing listens until `listen` or `attach`.
 * Asynchronous because cluster mode's engines and the token verifier (`jose`) are loaded only when
 * the settings name them (a database and Redis; an auth secret).
 */
export async function createLivelineServer(options: LivelineServerOptions = {}): Promise<Liveline> {
  const config = resolveServerOptions(options);
  const { now } = config;
  // Loaded before any part is opened, so that a failure leaves nothing open.
  const verifyToken =
    config.authSecret === null
      ? null
      : (await import('../auth/createTokenVerifier.js')).createTokenVerifier(
          config.authSecret,
          now,
        );
  const parts = await resolveParts(options, config);
  const { log, storage, ownsStorage, broker, stages, presenceSlices } = parts;
  const lifecycle = createLifecycle();
  const startedAt = now();
  const version = packageVersion();
  const events = createEventLog({ ...parts, now, historyMaxEvents: config.historyMaxEvents });
  const transport = createTransportDomain({
    broker,
    anchors: parts.anchors,
    log,
    now,
    clockRateHz: config.clockRateHz,
  });
  const boards = createBoardDomain({
    events,
    broker,
    storage,
    now,
    idleMs: config.historyMaxAgeMs,
    presenceSlices,
  });
  const workflows = createWorkflowDomain({
    events,
    storage,
    broker,
    log,
    now,
    idleMs: config.historyMaxAgeMs,
    nodeId: config.nodeId,
    leaseMs: config.workflowLeaseMs,
    stages,
    agentCapacity: config.agentCapacity,
    metricsRateHz: config.metricsRateHz,
    // Read by the metrics once the domains have started, after the gateway below exists.
    connectedClients: () => gateway.connectionCount(),
    metricsSlices: parts.metricsSlices,
  });
  const pruning = createRetention(config, { storage, workflows, log });

  const clientAddress = createClientAddress(config.trustedProxies);
  const auth = createAuth(verifyToken, log, now, clientAddress);
  if (!auth.on)
    log.warn('server.auth_off', {
      message:
        'AUTH IS OFF: anyone who reaches this server can read and edit everything; set LIVELINE_AUTH_SECRET to require signed tokens',
    });
  let mount: Mount | null = null;
  const health = (): Health => {
    const db = storage.status();
    const carrier = parts.brokerStatus?.() ?? null;
    const draining = lifecycle.state === 'draining' || lifecycle.state === 'stopped';
    const working = db.ok && (carrier?.ok ?? true);
    return {
      status: draining ? 'draining' : working ? 'healthy' : 'degraded',
      version,
      timestamp: new Date().toISOString(),
      database: db.ok ? 'connected' : 'error',
      database_error: db.ok ? null : db.error,
      uptime_seconds: Math.max(0, (now() - startedAt) / 1000),
      protocol_version: PROTOCOL_VERSION,
      routes: gateway.stats(),
      auth: auth.on ? 'on' : 'off',
      node: config.nodeId,
      mode: parts.mode,
      broker: carrier === null ? 'memory' : carrier.ok ? 'connected' : 'error',
      broker_error: carrier === null || carrier.ok ? null : carrier.error,
    };
  };

  const handlers: RouteHandlers = {
    ...systemRoutes(health),
    ...transportRoutes(broker, transport),
    ...boardRoutes(broker, boards, now),
    ...workflowRoutes(broker, workflows),
    ...videoRoutes(workflows, config.dataDir),
  };
  assertHandlers(handlers);

  // Without configured origins the allow-list follows the address the server is bound to.
  let defaults = { origin: null as string | null, list: [] as readonly string[] };
  const allowedOrigins = (): readonly string[] => {
    if (config.allowedOrigins) return config.allowedOrigins;
    const origin = mount?.origin() ?? null;
    if (origin !== defaults.origin)
      defaults = { origin, list: origin === null ? [] : defaultAllowedOrigins(origin) };
    return defaults.list;
  };
  const policy = createRequestPolicy({
    allowedOrigins,
    allowedHosts: config.allowedHosts,
    boundHost: config.host,
  });
  if (policy.hostCheckOff)
    log.warn('server.host_check_off', {
      message: 'ALLOWED_HOSTS is *: any Host is accepted, so DNS rebinding can reach this server',
    });
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
    policy,
    auth,
    caps: {
      maxConnections: config.maxConnections,
      maxConnectionsPerIp: config.maxConnectionsPerIp,
    },
    clientAddress,
  });
  // Domains restore what storage holds before the first request is served (a settled SQLite
  // storage has done so before any socket can be read).
  let started = false;
  const starting = parts.brokerReady
    .then(() => Promise.all([transport.start(), workflows.start()]))
    .then(() => {
      started = true;
    });
  const afterStart =
    <A extends unknown[]>(handle: (...args: A) => void) =>
    (...args: A): void => {
      if (started) handle(...args);
      else void starting.then(() => handle(...args));
    };

  let ownServer: Server | null = null;
  const mountOn = (server: Server | HttpsServer, boundHost?: string): void => {
    if (lifecycle.state !== 'starting' || mount)
      throw new LivelineServerError(
        'lifecycle',
        `cannot serve on a server: this Liveline is ${mount ? 'already mounted' : lifecycle.state}`,
      );
    mount = mountOnServer(
      server,
      {
        request: (otherwise) =>
          afterStart(
            createHttpHandler({
              handlers,
              log,
              webDir: config.webDir,
              policy,
              auth,
              ...(otherwise && { otherwise }),
            }),
          ),
        upgrade: afterStart((req, socket, head) => gateway.handleUpgrade(req, socket, head)),
      },
      boundHost,
    );
  };

  /** Stops everything but the sockets (the drain handles those) and the listening server. */
  const release = (): void => {
    events.stop();
    transport.stop();
    workflows.stop();
    gateway.close();
    mount?.unmount();
  };

  const drain = async (): Promise<void> => {
    const origin = mount?.origin() ?? null;
    lifecycle.to('draining');
    gateway.startDraining();
    const spreadMs = (1000 * gateway.connectionCount()) / config.restartReconnectsPerSecond;
    gateway.disconnectAll(CloseCode.ServiceRestart, restartReason(spreadMs));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      gateway.whenIdle(),
      new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    release();
    await pruning.stop();
    const server = ownServer;
    if (server)
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    await parts.closeBroker();
    if (ownsStorage) await storage.close();
    lifecycle.to('stopped');
    log.info('server.stopped', { origin });
  };

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => (stopping ??= drain());
  const disconnectAll = (code: number, reason: string): void => gateway.disconnectAll(code, reason);

  /** `extra` plus what a server can do in any state. */
  const withControl = <T extends object>(extra: T): T & LivelineControl => ({
    ...extra,
    get state() {
      return lifecycle.state;
    },
    stop,
    disconnectAll,
    stats: health,
  });

  return withControl<Pick<Liveline, 'attach' | 'listen'>>({
    attach(server) {
      mountOn(server);
      lifecycle.to('listening');
      log.info('server.attached', { origin: mount?.origin() ?? null, data_dir: config.dataDir });
    },
    async listen() {
      const server = createServer(httpServerOptions(config));
      server.on('clientError', createClientErrorHandler(log));
      mountOn(server, config.host);
      let port: number;
      try {
        await starting;
        port = await listenOn(server, config.port, config.host);
      } catch (error) {
        release();
        await pruning.stop();
        await parts.closeBroker();
        if (ownsStorage) await storage.close();
        lifecycle.to('stopped');
        throw error;
      }
      ownServer = server;
      lifecycle.to('listening');
      const origin = originOf('http', config.host, port);
      log.info('server.started', { origin, data_dir: config.dataDir, web_dir: config.webDir });
      return withControl({ origin, port });
    },
  });
}
