import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIN_SECRET_BYTES } from '../auth/createAuth.js';
import { ConfigError } from '../errors.js';
import { createServerClock } from './createServerClock.js';
import { NUMBER_RULES, numberOption, type NumberOptionName } from './numberRules.js';
import { reachedBeyondLoopback } from './noAuthRefusal.js';
import { LOG_LEVELS, type LogLevel } from '../log/createLogger.js';

/** Options of `startServer`; every one is optional and validated. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. @default 8000 */
  port?: number;
  /**
   * Interface `listen` binds; without `authSecret` only loopback, unless `insecureNoAuth` (rule
   * A1). An attached Liveline does not use it. @default '127.0.0.1'
   */
  host?: string;
  /** Directory of the SQLite database. @default './data' */
  dataDir?: string;
  /**
   * Directory of the rendered videos, one `<run id>/video.mp4` each (rule W6). Cluster nodes must
   * share it (one volume mounted on every node), or a video is served only by the node that
   * rendered it. @default `<dataDir>/videos`
   */
  videosDir?: string;
  /**
   * PostgreSQL URL: with `redisUrl`, the node runs in cluster mode (PostgreSQL stores and
   * sequences, Redis carries events between nodes) instead of SQLite and memory. @default none
   */
  databaseUrl?: string | null;
  /** Redis (≥ 6.2) URL; needs `databaseUrl` too. @default none */
  redisUrl?: string | null;
  /** This node's name in `/health` and logs. @default `<host name>-<pid>` */
  nodeId?: string;
  /** Origins allowed to open WebSockets; requests without `Origin` are always allowed. @default own origin, also as localhost and 127.0.0.1 */
  allowedOrigins?: readonly string[];
  /**
   * `Host` names accepted besides loopback names, IP addresses and `host` (rule O3, against DNS
   * rebinding); `.example.com` also accepts its subdomains; `['*']` turns the check off. @default []
   */
  allowedHosts?: readonly string[];
  /**
   * Addresses of proxies whose `X-Forwarded-For` names the client (rule L6): per-IP connection
   * limits, the failed-auth limiter and logs then count clients, not the proxy. Only these peers
   * are believed, so a client cannot pick its own address. @default []
   */
  trustedProxies?: readonly string[];
  /**
   * HS256 secret of at least 32 bytes: auth is on with it (rule A1). Without it auth is off, which
   * is refused on a non-loopback host unless `insecureNoAuth`. @default none
   */
  authSecret?: string | null;
  /** Serve without auth on a non-loopback host (rule A1). @default false */
  insecureNoAuth?: boolean;
  /** Built web app served at `/`. @default apps/web/dist of the repository, when it exists */
  webDir?: string | null;
  /** Lowest level logged. @default 'info' */
  logLevel?: LogLevel;
  /** Time each pipeline stage takes, in ms (the render stage takes what encoding takes). @default 1500 */
  stageDurationMs?: number;
  /** Render each cut sheet into an MP4 (the `render` stage); `false` marks that stage `skipped`. @default true */
  renderVideo?: boolean;
  /** The ffmpeg the render stage runs. @default 'ffmpeg' (from PATH) */
  ffmpegPath?: string;
  /** The espeak-ng the render stage speaks with. @default 'espeak-ng' (from PATH) */
  espeakNgPath?: string;
  /** DAW clock ticks per second. @default 30 */
  clockRateHz?: number;
  /** Coordinator metrics broadcasts per second. @default 1 */
  metricsRateHz?: number;
  /** Silence after which a connection gets an app-level heartbeat, in ms. @default 10000 */
  heartbeatIntervalMs?: number;
  /** Protocol ping period; a peer that misses a pong is terminated, in ms. @default 25000 */
  pingIntervalMs?: number;
  /** Events kept per ordered room. @default 1000 */
  historyMaxEvents?: number;
  /** Age after which history events are dropped, in ms. @default 600000 */
  historyMaxAgeMs?: number;
  /** Bytes of history kept per ordered room. @default 4 MiB */
  historyMaxBytes?: number;
  /** Time a finished workflow run is kept after its last event, then deleted with its video (rule G3), in ms. @default 30 days */
  runRetentionMs?: number;
  /** Time an applied op id is kept, so a retried op is a duplicate (rules B2, G2), in ms. Shorter than the default only for tests and benchmarks: retries may then apply twice (G2), and the start logs a warning. @default OP_ID_RETENTION_MS (10 min) */
  opIdRetentionMs?: number;
  /** Period of the storage pruning that enforces the retention rules (G4), in ms. @default 60000 */
  pruneIntervalMs?: number;
  /** Time a workflow run's lease lasts unless its node renews it: how long a dead owner's runs wait for another node (rules WL2, WL4), in ms. @default 10000 */
  workflowLeaseMs?: number;
  /** Bytes an ordered-route client may have unsent before it is closed with 1013. @default 1 MiB */
  orderedMaxBufferedBytes?: number;
  /** Bytes unsent above which a latest-route client gets only the newest value. @default 64 KiB */
  latestMaxBufferedBytes?: number;
  /** Inbound messages per second a connection may send on average. @default 50 */
  rateLimitPerSecond?: number;
  /** Inbound messages a connection may send in a burst: a reconnect's full outbox and more (rule L4). @default 250 */
  rateLimitBurst?: number;
  /**
   * HTTP requests one client (a valid token's subject, else its address) may make per 10 s
   * window; more are answered `429` until it ends, `/health` excepted (rule L7). @default 1000
   */
  httpRateLimit?: number;
  /**
   * Boards stored at most; the first operation on a new board beyond them is refused
   * `limit_exceeded` (rule B5). @default 1000
   */
  maxBoards?: number;
  /**
   * Queued and running runs stored at most; a new run's start beyond them is refused `503
   * limit_exceeded` with `Retry-After` (rule W8). @default 1000
   */
  maxUnfinishedRuns?: number;
  /**
   * Finished runs kept at most; retention deletes the longest finished past it with their videos,
   * as it does those past `runRetentionMs` (rule G3); also the told tombstones kept (G5). @default 10000
   */
  maxFinishedRuns?: number;
  /** Capacity of each pipeline agent. @default 1 */
  agentCapacity?: number;
  /** Open WebSockets the server accepts in total, and apart from them other sockets; more are answered `503` (rule L5). @default 10000 */
  maxConnections?: number;
  /** Open WebSockets one client IP may hold, and apart from them other sockets; more are answered `503` (rule L5). @default 1000 */
  maxConnectionsPerIp?: number;
  /**
   * Reconnects per second the server asks its clients to spread their return to after a restart:
   * the `1012` reason names a window of (open sockets / this) seconds (rule K4). @default 1000
   */
  restartReconnectsPerSecond?: number;
  /** Time a client has to send complete request headers (an upgrade included) before `408`, in ms. @default 10000 */
  handshakeTimeoutMs?: number;
  /** Time a client has to send a whole HTTP request (headers and body) before `408`, in ms. @default 30000 */
  requestTimeoutMs?: number;
  /**
   * Time a socket the server closes (a refusal, A7; a slow consumer, L2; a drain, D1) has to
   * answer its close frame, or to close its side after an HTTP refusal, before it is cut, in ms:
   * ws's own 30 s, and a refusal's half-close, held the socket for as long as its client liked
   * (rule L5). @default 1000
   */
  closeGraceMs?: number;
  /**
   * Time a join in cluster mode waits for Redis to confirm its room's subscription before it is
   * closed `1013` (a Redis gone meanwhile confirms only once it is back; rule S2), in ms.
   * @default 3000
   */
  subscribeConfirmMs?: number;
  /**
   * Server clock in epoch ms (sub-ms precision). @default createServerClock(): the monotonic clock
   * following the system clock's steps, never backwards
   */
  now?: () => number;
}

/** Options after defaults and validation. */
export type ResolvedServerOptions = Required<
  Omit<
    ServerOptions,
    'allowedOrigins' | 'allowedHosts' | 'webDir' | 'authSecret' | 'databaseUrl' | 'redisUrl'
  >
> & {
  readonly authSecret: string | null;
  /** Both set in cluster mode, both null for the embedded node. */
  readonly databaseUrl: string | null;
  readonly redisUrl: string | null;
  readonly allowedOrigins: readonly string[] | null;
  readonly allowedHosts: readonly string[];
  readonly webDir: string | null;
};

/** The data directory when neither `DATA_DIR` nor `--data-dir` names one. */
export const DEFAULT_DATA_DIR = './data';

const here = dirname(fileURLToPath(import.meta.url));
// src/config or dist/config → the repository root is four levels up from packages/server/<src|dist>/config.
const defaultWebDir = resolve(here, '../../../../apps/web/dist');

const fail = (field: string, message: string): never => {
  throw new ConfigError(field, message);
};

const stringOption = (field: string, value: unknown, fallback: string): string => {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '')
    return fail(field, 'expected a non-empty string');
  return value;
};

const booleanOption = (field: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined) return fallback;
  return typeof value === 'boolean' ? value : fail(field, 'expected true or false');
};

const originsOption = (value: unknown): readonly string[] | null => {
  if (value === undefined) return null;
  if (!Array.isArray(value)) return fail('allowedOrigins', 'expected an array of origins');
  return value.map((origin: unknown, i) => {
    if (typeof origin !== 'string' || !/^https?:\/\/[^/\s]+$/.test(origin))
      return fail(`allowedOrigins[${i}]`, 'expected an origin like http://host:port');
    return origin;
  });
};

/** A `Host` name: letters, digits, dots and dashes, a leading dot for subdomains, or `[v6]`. */
export const HOST_ENTRY = /^(?:\*|\.?[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;

const hostsOption = (value: unknown): readonly string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('allowedHosts', 'expected an array of host names');
  return value.map((host: unknown, i) => {
    if (typeof host !== 'string' || !HOST_ENTRY.test(host))
      return fail(`allowedHosts[${i}]`, 'expected a host name like example.com, .example.com or *');
    return host.toLowerCase();
  });
};

const proxiesOption = (value: unknown): readonly string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('trustedProxies', 'expected an array of IP addresses');
  return value.map((proxy: unknown, i) =>
    typeof proxy === 'string' && isIP(proxy) !== 0
      ? proxy
      : fail(`trustedProxies[${i}]`, 'expected an IP address like 127.0.0.1 or ::1'),
  );
};

/**
 * The secret, or `null` for auth off, refused (rule A1) behind a proxy or for a non-loopback `Host`
 * name. Whether `host` may go without one is judged where it is listened on (`listen`): an attached
 * Liveline does not listen on it.
 */
const secretOption = (
  value: unknown,
  insecure: boolean,
  reach: Parameters<typeof reachedBeyondLoopback>,
): string | null => {
  if (value !== undefined && value !== null) {
    if (typeof value !== 'string' || Buffer.byteLength(value) < MIN_SECRET_BYTES)
      return fail(
        'authSecret',
        `expected a secret of at least ${MIN_SECRET_BYTES} bytes (LIVELINE_AUTH_SECRET or --auth-secret-file)`,
      );
    return value;
  }
  if (insecure) return null;
  const refusal = reachedBeyondLoopback(...reach);
  if (refusal !== null) fail(refusal.field, refusal.message);
  return null;
};

const levelOption = (value: unknown): LogLevel => {
  if (value === undefined) return 'info';
  const found = LOG_LEVELS.find((level) => level === value);
  return found ?? fail('logLevel', `expected one of ${LOG_LEVELS.join(', ')}`);
};

const webDirOption = (value: unknown): string | null => {
  if (value === null) return null;
  if (value !== undefined) return resolve(stringOption('webDir', value, ''));
  return existsSync(defaultWebDir) ? defaultWebDir : null;
};

/** A URL of one of `schemes`; the message never repeats the value (it may hold a password). */
const urlOption = (field: string, value: unknown, schemes: readonly string[]): string | null => {
  if (value === undefined || value === null) return null;
  let scheme = '';
  try {
    if (typeof value === 'string') scheme = new URL(value).protocol;
  } catch {
    // not a URL: reported below
  }
  if (typeof value !== 'string' || !schemes.includes(scheme))
    return fail(field, `expected a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`);
  return value;
};

const clusterOptions = (
  options: ServerOptions,
): Pick<ResolvedServerOptions, 'databaseUrl' | 'redisUrl' | 'nodeId'> => {
  const databaseUrl = urlOption('databaseUrl', options.databaseUrl, ['postgres:', 'postgresql:']);
  const redisUrl = urlOption('redisUrl', options.redisUrl, ['redis:', 'rediss:']);
  // One engine alone would be a cluster that loses events or state: refuse it rather than guess.
  if ((databaseUrl === null) !== (redisUrl === null))
    fail(
      databaseUrl === null ? 'databaseUrl' : 'redisUrl',
      'cluster mode needs both a database URL (DATABASE_URL) and a Redis URL (REDIS_URL)',
    );
  const host = hostname()
    .replace(/[^\w.-]/g, '-')
    .slice(0, 50);
  const nodeId = stringOption('nodeId', options.nodeId, `${host}-${process.pid}`);
  if (!/^[\w.-]{1,64}$/.test(nodeId))
    fail('nodeId', 'expected 1 to 64 letters, digits, dots, underscores or dashes');
  return { databaseUrl, redisUrl, nodeId };
};

/** Applies defaults and validates every option, throwing {@link ConfigError} naming the bad one. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const now = options.now ?? createServerClock();
  if (typeof now !== 'function') fail('now', 'expected a function');
  const numbers = Object.fromEntries(
    Object.entries(NUMBER_RULES).map(([name, rule]) => [
      name,
      numberOption(name, options[name as NumberOptionName], rule),
    ]),
  ) as Record<NumberOptionName, number>;
  // Node refuses a headers timeout longer than the request timeout; say which option to change.
  if (numbers.requestTimeoutMs < numbers.handshakeTimeoutMs)
    fail(
      'requestTimeoutMs',
      `expected at least handshakeTimeoutMs (${numbers.handshakeTimeoutMs})`,
    );
  const host = stringOption('host', options.host, '127.0.0.1');
  const dataDir = resolve(stringOption('dataDir', options.dataDir, DEFAULT_DATA_DIR));
  const insecureNoAuth = options.insecureNoAuth ?? false;
  if (typeof insecureNoAuth !== 'boolean') fail('insecureNoAuth', 'expected a boolean');
  const allowedHosts = hostsOption(options.allowedHosts);
  const trustedProxies = proxiesOption(options.trustedProxies);
  return {
    ...numbers,
    host,
    authSecret: secretOption(options.authSecret, insecureNoAuth, [trustedProxies, allowedHosts]),
    insecureNoAuth,
    dataDir,
    videosDir: resolve(stringOption('videosDir', options.videosDir, join(dataDir, 'videos'))),
    ...clusterOptions(options),
    allowedOrigins: originsOption(options.allowedOrigins),
    allowedHosts,
    trustedProxies,
    webDir: webDirOption(options.webDir),
    logLevel: levelOption(options.logLevel),
    renderVideo: booleanOption('renderVideo', options.renderVideo, true),
    ffmpegPath: stringOption('ffmpegPath', options.ffmpegPath, 'ffmpeg'),
    espeakNgPath: stringOption('espeakNgPath', options.espeakNgPath, 'espeak-ng'),
    now,
  };
}
