import { LOG_LEVELS } from '../log/createLogger.js';
import { NUMBER_RULES, type NumberOptionName } from './numberRules.js';
import type { ServerOptions } from './serverOptions.js';

/** One command-line flag of `liveline-server`, its environment variable and what `--help` says. */
export interface ServerFlag {
  readonly env: string;
  /** The option of {@link ServerOptions} it sets, which a range error names. */
  readonly option: keyof ServerOptions;
  /** Placeholder of the value in the help; empty for a switch that takes none. */
  readonly value: string;
  readonly help: string;
  /** The default as the help prints it. */
  readonly fallback: string;
}

/**
 * A flag whose value is a number as written, set as it is: the parser checks its syntax, and
 * `startServer` its range with the other options.
 */
export interface NumericServerFlag extends ServerFlag {
  readonly option: NumberOptionName;
  readonly syntax: RegExp;
  /** What the syntax wants, as an error says it. */
  readonly expected: string;
}

const WHOLE_MS = { syntax: /^\d{1,9}$/, expected: 'milliseconds as a whole number' } as const;
const wholeCount = (of: string) =>
  ({ syntax: /^[1-9]\d{0,7}$/, expected: `a whole number of ${of} ≥ 1` }) as const;
const WHOLE_BYTES = { syntax: /^[1-9]\d{0,12}$/, expected: 'a whole number of bytes ≥ 1' } as const;
const perSecond = (of: string, example: number) =>
  ({ syntax: /^\d{1,8}(\.\d+)?$/, expected: `${of} per second, like ${example} or 2.5` }) as const;

/** Every flag of `liveline-server`: the parser and `--help` both read this table. */
export const SERVER_FLAGS = {
  '--port': {
    env: 'PORT',
    option: 'port',
    value: '<port>',
    help: 'TCP port; 0 picks a free one',
    fallback: String(NUMBER_RULES.port.fallback),
  },
  '--host': {
    env: 'HOST',
    option: 'host',
    value: '<host>',
    help: 'interface to listen on',
    fallback: '127.0.0.1',
  },
  '--data-dir': {
    env: 'DATA_DIR',
    option: 'dataDir',
    value: '<dir>',
    help: 'directory of the SQLite database',
    fallback: './data',
  },
  '--videos-dir': {
    env: 'VIDEOS_DIR',
    option: 'videosDir',
    value: '<dir>',
    help: 'directory of the rendered videos; cluster nodes point it at one shared volume (W6)',
    fallback: '<data dir>/videos',
  },
  '--database-url': {
    env: 'DATABASE_URL',
    option: 'databaseUrl',
    value: '<url>',
    help: 'PostgreSQL (postgres://user:password@host:port/db); with --redis-url it turns on cluster mode. A password in a flag shows in ps: prefer the variable',
    fallback: 'none: SQLite in --data-dir',
  },
  '--redis-url': {
    env: 'REDIS_URL',
    option: 'redisUrl',
    value: '<url>',
    help: 'Redis ≥ 6.2 (redis://user:password@host:port, rediss:// for TLS); with --database-url it turns on cluster mode. A password in a flag shows in ps: prefer the variable',
    fallback: 'none: the in-memory broker',
  },
  '--node-id': {
    env: 'NODE_ID',
    option: 'nodeId',
    value: '<id>',
    help: "this node's name in /health and logs (letters, digits, . _ -; at most 64)",
    fallback: 'host name and process id',
  },
  '--allowed-origins': {
    env: 'ALLOWED_ORIGINS',
    option: 'allowedOrigins',
    value: '<origins>',
    help: 'comma-separated origins that may open sockets and POST; http://host:* allows any port (rules O1, O2)',
    fallback: 'own origin under its loopback names (pnpm run dev adds its Vite page)',
  },
  '--allowed-hosts': {
    env: 'ALLOWED_HOSTS',
    option: 'allowedHosts',
    value: '<hosts>',
    help: 'comma-separated Host names accepted besides loopback, IP addresses and --host; .example.com takes subdomains, * turns the check off (rule O3)',
    fallback: 'none',
  },
  '--trusted-proxies': {
    env: 'TRUSTED_PROXIES',
    option: 'trustedProxies',
    value: '<ips>',
    help: 'comma-separated addresses of proxies (nginx) whose X-Forwarded-For names the client, for per-IP limits and logs (rule L6)',
    fallback: 'none: the peer address is the client',
  },
  '--auth-secret-file': {
    env: 'LIVELINE_AUTH_SECRET_FILE',
    option: 'authSecret',
    value: '<file>',
    help: 'file holding the HS256 token secret (at least 32 bytes); turns auth on (rule A1)',
    fallback: 'none: LIVELINE_AUTH_SECRET, else auth off on loopback',
  },
  '--insecure-no-auth': {
    env: 'LIVELINE_INSECURE_NO_AUTH',
    option: 'insecureNoAuth',
    value: '',
    help: 'serve without auth on a non-loopback host, behind --trusted-proxies or for --allowed-hosts names (rule A1); set the variable to 1',
    fallback: 'off',
  },
  '--web-dir': {
    env: 'WEB_DIR',
    option: 'webDir',
    value: '<dir>',
    help: 'built web app served at /',
    fallback: 'apps/web/dist when built',
  },
  '--log-level': {
    env: 'LOG_LEVEL',
    option: 'logLevel',
    value: '<level>',
    help: `lowest level logged: ${LOG_LEVELS.join(', ')}`,
    fallback: 'info',
  },
  '--stage-duration-ms': {
    env: 'STAGE_DURATION_MS',
    option: 'stageDurationMs',
    value: '<ms>',
    help: 'time each pipeline stage takes',
    fallback: String(NUMBER_RULES.stageDurationMs.fallback),
    ...WHOLE_MS,
  },
  '--render-video': {
    env: 'RENDER_VIDEO',
    option: 'renderVideo',
    value: 'true|false',
    help: 'render each cut sheet into an MP4 with ffmpeg and espeak-ng (rule W5)',
    fallback: 'true',
  },
  '--ffmpeg-path': {
    env: 'FFMPEG_PATH',
    option: 'ffmpegPath',
    value: '<path>',
    help: 'the ffmpeg the render stage runs',
    fallback: 'ffmpeg from PATH',
  },
  '--espeak-ng-path': {
    env: 'ESPEAK_NG_PATH',
    option: 'espeakNgPath',
    value: '<path>',
    help: 'the espeak-ng the render stage speaks with',
    fallback: 'espeak-ng from PATH',
  },
  '--run-retention': {
    env: 'RUN_RETENTION',
    option: 'runRetentionMs',
    value: '<duration>',
    help: 'how long a finished workflow run and its video are kept, like 30d, 12h or 90m (rule G3)',
    fallback: '30d',
  },
  '--history-max-events': {
    env: 'HISTORY_MAX_EVENTS',
    option: 'historyMaxEvents',
    value: '<n>',
    help: 'events of a room kept for replay, counted from its newest: a client further behind gets a snapshot (rules G1, R5)',
    fallback: String(NUMBER_RULES.historyMaxEvents.fallback),
    ...wholeCount('events'),
  },
  '--history-max-age-ms': {
    env: 'HISTORY_MAX_AGE_MS',
    option: 'historyMaxAgeMs',
    value: '<ms>',
    help: "age after which a room's events are no longer kept for replay (rule G1)",
    fallback: String(NUMBER_RULES.historyMaxAgeMs.fallback),
    ...WHOLE_MS,
  },
  '--history-max-bytes': {
    env: 'HISTORY_MAX_BYTES',
    option: 'historyMaxBytes',
    value: '<bytes>',
    help: "bytes of a room's events kept for replay, counted from its newest; in a cluster, each active room's Redis copy holds up to this (rule G1)",
    fallback: String(NUMBER_RULES.historyMaxBytes.fallback),
    ...WHOLE_BYTES,
  },
  '--workflow-lease-ms': {
    env: 'WORKFLOW_LEASE_MS',
    option: 'workflowLeaseMs',
    value: '<ms>',
    help: "time a workflow run's lease lasts unless renewed: a dead node's runs move to another node after it (rule WL4)",
    fallback: String(NUMBER_RULES.workflowLeaseMs.fallback),
    ...WHOLE_MS,
  },
  '--max-connections': {
    env: 'MAX_CONNECTIONS',
    option: 'maxConnections',
    value: '<n>',
    help: 'open WebSockets accepted in total, and apart from them other sockets (rule L5)',
    fallback: String(NUMBER_RULES.maxConnections.fallback),
    ...wholeCount('connections'),
  },
  '--max-connections-per-ip': {
    env: 'MAX_CONNECTIONS_PER_IP',
    option: 'maxConnectionsPerIp',
    value: '<n>',
    help: 'open WebSockets one client IP may hold, and apart from them other sockets (rule L5)',
    fallback: String(NUMBER_RULES.maxConnectionsPerIp.fallback),
    ...wholeCount('connections'),
  },
  '--rate-limit': {
    env: 'RATE_LIMIT',
    option: 'rateLimitPerSecond',
    value: '<rate>',
    help: 'messages per second a socket may send on average before its rate limit closes it 4429 (rule L4)',
    fallback: String(NUMBER_RULES.rateLimitPerSecond.fallback),
    ...perSecond('messages', 50),
  },
  '--rate-limit-burst': {
    env: 'RATE_LIMIT_BURST',
    option: 'rateLimitBurst',
    value: '<n>',
    help: "messages a socket may send at once before its rate limit closes it 4429; a reconnect writes its client's whole outbox at once, so keep it above the clients' outbox (rule L4)",
    fallback: String(NUMBER_RULES.rateLimitBurst.fallback),
    ...wholeCount('messages'),
  },
  '--http-rate-limit': {
    env: 'HTTP_RATE_LIMIT',
    option: 'httpRateLimit',
    value: '<n>',
    help: 'HTTP requests one client (token subject, else address) may make per 10 s; more get 429, /health excepted (rule L7)',
    fallback: String(NUMBER_RULES.httpRateLimit.fallback),
    ...wholeCount('requests'),
  },
  '--max-boards': {
    env: 'MAX_BOARDS',
    option: 'maxBoards',
    value: '<n>',
    help: 'boards stored at most; the first operation on a new board beyond them is refused (rule B5)',
    fallback: String(NUMBER_RULES.maxBoards.fallback),
    ...wholeCount('boards'),
  },
  '--max-unfinished-runs': {
    env: 'MAX_UNFINISHED_RUNS',
    option: 'maxUnfinishedRuns',
    value: '<n>',
    help: 'queued and running runs stored at most; a new run beyond them is refused 503 until one ends (rule W8)',
    fallback: String(NUMBER_RULES.maxUnfinishedRuns.fallback),
    ...wholeCount('runs'),
  },
  '--max-finished-runs': {
    env: 'MAX_FINISHED_RUNS',
    option: 'maxFinishedRuns',
    value: '<n>',
    help: 'finished runs kept at most; the longest finished past them are deleted with their videos, as those past --run-retention are (rule G3)',
    fallback: String(NUMBER_RULES.maxFinishedRuns.fallback),
    ...wholeCount('runs'),
  },
  '--restart-reconnects-per-second': {
    env: 'RESTART_RECONNECTS_PER_SECOND',
    option: 'restartReconnectsPerSecond',
    value: '<rate>',
    help: 'reconnects per second clients spread their return to after a restart (rule K4)',
    fallback: String(NUMBER_RULES.restartReconnectsPerSecond.fallback),
    ...perSecond('reconnects', 1000),
  },
} as const satisfies Record<string, ServerFlag | NumericServerFlag>;

/** Settings read only from the environment: a secret on a command line shows in `ps`. */
export const SERVER_ENV_ONLY = {
  LIVELINE_AUTH_SECRET:
    'the HS256 token secret itself (at least 32 bytes); turns auth on (rule A1)',
} as const;

/** A flag name of {@link SERVER_FLAGS}. */
export type ServerFlagName = keyof typeof SERVER_FLAGS;

/** Whether `flag` sets a number as written. */
export const isNumericFlag = (flag: ServerFlag): flag is NumericServerFlag => 'syntax' in flag;

/** `liveline-server --help`, generated from {@link SERVER_FLAGS}. */
export function serverUsage(): string {
  const flags = Object.entries(SERVER_FLAGS).map(
    ([flag, spec]: [string, ServerFlag]) =>
      `  ${flag}${spec.value && ` ${spec.value}`}\n      ${spec.help}\n      env ${spec.env}, default: ${spec.fallback}`,
  );
  const envOnly = Object.entries(SERVER_ENV_ONLY).map(([name, help]) => `  ${name}\n      ${help}`);
  return `Usage: liveline-server [--flag value | --flag=value]...

Starts the Liveline server. Every flag can also be set by its environment variable; a flag wins.

${flags.join('\n')}
  -h, --help
      show this help

Environment only:
${envOnly.join('\n')}

Exit code: 0 after a clean stop (SIGTERM, SIGINT), 2 on a bad setting, 1 on any other failure.
`;
}
