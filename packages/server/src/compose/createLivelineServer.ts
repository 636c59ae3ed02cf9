import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { CloseCode, restartReason } from '@liveline/protocol';
import { noAuthRefusal, refuseHostWithoutAuth } from '../config/noAuthRefusal.js';
import { resolveServerOptions, type ResolvedServerOptions } from '../config/serverOptions.js';
import { ConfigError, LivelineServerError } from '../errors.js';
import { createHttpRateLimit } from '../http/createHttpRateLimit.js';
import { boardRoutes } from '../routes/boardRoutes.js';
import { systemRoutes } from '../routes/systemRoutes.js';
import { transportRoutes } from '../routes/transportRoutes.js';
import { videoRoutes } from '../routes/videoRoutes.js';
import { workflowRoutes } from '../routes/workflowRoutes.js';
import { assertHandlers } from '../transport/assertHandlers.js';
import { createAuth } from '../auth/createAuth.js';
import { createVerifiedTokens } from '../auth/createVerifiedTokens.js';
import { createHttpHandler } from '../transport/createHttpHandler.js';
import { createRequestPolicy } from '../transport/createRequestPolicy.js';
import { createClientAddress } from '../transport/createClientAddress.js';
import { createRefusalGrace } from '../transport/createRefusalGrace.js';
import { createWsGateway } from '../transport/createWsGateway.js';
import { createClientErrorHandler, httpServerOptions } from '../transport/httpServerOptions.js';
import { limitSockets } from '../transport/limitSockets.js';
import type { RouteHandlers } from '../transport/RouteHandlers.js';
import { createAllowedOrigins } from './createAllowedOrigins.js';
import { createDomains } from './createDomains.js';
import { createHealth } from './createHealth.js';
import { createRetention } from './createRetention.js';
import { createLifecycle } from './lifecycle.js';
import { listenOn } from './listenOn.js';
import type { Liveline, LivelineControl, LivelineServerOptions } from './Liveline.js';
import { boundAddress, mountOnServer, originOf, type Mount } from './mountOnServer.js';
import { resolveParts } from './resolveParts.js';

/** How long `stop()` waits for clients to acknowledge the 1012 close before cutting them off, in ms. */
export const DRAIN_TIMEOUT_MS = 2_000;

/**
 * Puts a Liveline server together from `options`: storage, broker, stages, clock (`now`) and
 * logger are built from the settings unless given. Nothing listens until `listen` or `attach`.
 * Asynchronous because cluster mode's engines and the token verifier (`jose`) are loaded only when
 * the settings name them (a database and Redis; an auth secret).
 */
export async function createLivelineServer(options: LivelineServerOptions = {}): Promise<Liveline> {
  return assembleLiveline(options, resolveServerOptions(options));
}

/**
 * {@link createLivelineServer} from `options` already resolved to `config`: `startServer` judges
 * the host with them before anything is opened, and resolves them once.
 */
export async function assembleLiveline(
  options: LivelineServerOptions,
  config: ResolvedServerOptions,
): Promise<Liveline> {
  const { now } = config;
  // The tokens auth verified: the HTTP rate limit counts a known token's subject (L7).
  const verifiedTokens = createVerifiedTokens(now);
  // Loaded before any part is opened, so that a failure leaves nothing open.
  const verifyToken =
    config.authSecret === null
      ? null
      : (await import('../auth/createTokenVerifier.js')).createTokenVerifier(
          config.authSecret,
          now,
          verifiedTokens,
        );
  const parts = await resolveParts(options, config);
  const { log, storage, ownsStorage, broker } = parts;
  const lifecycle = createLifecycle();
  const startedAt = now();
  // The metrics read the gateway below once the domains have started.
  const { events, transport, boards, workflows } = createDomains(config, parts, () =>
    gateway.connectionCount(),
  );
  const pruning = createRetention(config, { storage, workflows, log });

  // Not refused: one node alone works, and no check can tell a shared volume from a local one.
  if (parts.mode === 'cluster' && options.videosDir === undefined)
    log.warn('server.videos_dir_local', {
      videos_dir: config.videosDir,
      message:
        "VIDEOS_DIR is not set: this node keeps videos in its own data directory, so only it serves the videos it renders and only its retention deletes them; point every node's VIDEOS_DIR at one shared volume (docs/deployment.md)",
    });
  const clientAddress = createClientAddress(config.trustedProxies);
  const auth = createAuth(verifyToken, log, now, clientAddress, verifiedTokens);
  if (!auth.on)
    log.warn('server.auth_off', {
      message:
        'AUTH IS OFF: anyone who reaches this server can read and edit everything; set LIVELINE_AUTH_SECRET to require signed tokens',
    });
  const rateLimit = createHttpRateLimit({
    limit: config.httpRateLimit,
    verifiedTokens,
    clientAddress,
    log,
    now,
  });
  let mount: Mount | null = null;
  const health = createHealth({
    config,
    parts,
    lifecycle,
    startedAt,
    authOn: auth.on,
    routes: () => gateway.stats(),
  });

  const handlers: RouteHandlers = {
    ...systemRoutes(health, auth.on),
    ...transportRoutes(broker, transport),
    ...boardRoutes(broker, boards, now),
    ...workflowRoutes(broker, workflows, now),
    ...videoRoutes(workflows, config.videosDir, log),
  };
  assertHandlers(handlers);

  // Without configured origins the allow-list follows the address the server is bound to.
  const allowedOrigins = createAllowedOrigins(config.allowedOrigins, () => mount?.origin() ?? null);
  const policy = createRequestPolicy({
    allowedOrigins,
    allowedHosts: config.allowedHosts,
    // Listening, the host it was given; attached, the host server's own address (not `host`).
    boundHost: () => mount?.host() ?? null,
  });
  if (policy.hostCheckOff)
    log.warn('server.host_check_off', {
      message: 'ALLOWED_HOSTS is *: any Host is accepted, so DNS rebinding can reach this server',
    });
  const caps = {
    maxConnections: config.maxConnections,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
  };
  // One bound for every refusal of the server's, upgrades' and malformed requests' alike (L5).
  const refusalGrace = createRefusalGrace(caps, config.closeGraceMs);
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
    closeGraceMs: config.closeGraceMs,
    refusalGrace,
    policy,
    auth,
    caps,
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

  /**
   * Rule A1 for a host's server, which Liveline does not bind: with auth off and not waived, one
   * reachable beyond this machine is refused. `null` when the address is allowed (or auth is on).
   */
  const exposure = (address: string): string | null => noAuthRefusal(address, config);
  /** A host's server that binds an exposed address after `attach` loses Liveline's routes. */
  const refuseExposedBind = (address: string): void => {
    const refusal = exposure(address);
    if (refusal === null) return;
    mount?.unmount();
    log.error('server.auth_required', { address, message: refusal });
    void stop();
  };

  let ownServer: Server | null = null;
  const mountOn = (
    server: Server | HttpsServer,
    mode: { boundHost: string } | { listening: (address: string) => void },
  ): void => {
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
              clientAddress,
              rateLimit,
              ...(otherwise && { otherwise }),
            }),
          ),
        upgrade: afterStart((req, socket, head) => gateway.handleUpgrade(req, socket, head)),
        ...('listening' in mode && { listening: mode.listening }),
      },
      'boundHost' in mode ? mode.boundHost : undefined,
    );
  };

  /** Stops everything but the sockets (the drain handles those) and the listening server. */
  const release = async (): Promise<void> => {
    await transport.stop();
    gateway.close();
    mount?.unmount();
    await workflows.stop();
    // Last: the runs' hand-overs above append too, and their publishes may fail.
    await events.stop();
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
    await release();
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
      // A pipe is judged too, as when it is bound after attach: a proxy in front of it (nginx's
      // `proxy_pass http://unix:`) names `localhost` for whoever reached the proxy.
      const address = boundAddress(server);
      const refusal = address === null ? null : exposure(address);
      if (refusal !== null) throw new ConfigError('authSecret', refusal);
      mountOn(server, { listening: refuseExposedBind });
      lifecycle.to('listening');
      log.info('server.attached', { origin: mount?.origin() ?? null, data_dir: config.dataDir });
    },
    async listen() {
      const server = createServer(httpServerOptions(config));
      server.on('clientError', createClientErrorHandler(log, refusalGrace));
      mountOn(server, { boundHost: config.host });
      limitSockets(server, { caps, trustedProxies: config.trustedProxies, refusalGrace, log });
      let port: number;
      try {
        await starting;
        // Judged here, not with the other options: an attached Liveline never binds `host`.
        refuseHostWithoutAuth(config);
        port = await listenOn(server, config.port, config.host);
      } catch (error) {
        await release();
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
