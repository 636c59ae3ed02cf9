import { isIP } from 'node:net';
import { readSecretFile } from '../auth/readSecretFile.js';
import { parseTtl } from '../auth/tokenArgs.js';
import { ConfigError, errorMessage } from '../errors.js';
import { LOG_LEVELS, type LogLevel } from '../log/createLogger.js';
import {
  SERVER_FLAGS,
  isNumericFlag,
  type ServerFlag,
  type ServerFlagName,
} from './serverFlags.js';
import { HOST_ENTRY, type ServerOptions } from './serverOptions.js';

type EnvName = (typeof SERVER_FLAGS)[ServerFlagName]['env'];

/** The secret of `--auth-secret-file`, or a {@link ConfigError} naming the setting. */
const secretFrom = (source: string, path: string): string => {
  try {
    return readSecretFile(path);
  } catch (error) {
    throw new ConfigError(source, errorMessage(error));
  }
};

const isFlag = (name: string): name is ServerFlagName => Object.hasOwn(SERVER_FLAGS, name);

const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

type Settings = Partial<Record<EnvName, { value: string; source: string }>>;

/** Each setting's value and where it came from (a flag wins over its variable), or `'help'`. */
function readSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Settings | 'help' {
  const values: Settings = {};
  for (const { env: key } of Object.values(SERVER_FLAGS)) {
    const value = env[key];
    if (value !== undefined && value !== '') values[key] = { value, source: key };
  }
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    const [name = '', inline] = arg.split(/=(.*)/s, 2);
    if (!isFlag(name))
      throw new ConfigError(
        arg,
        `unknown argument; expected ${Object.keys(SERVER_FLAGS).join(', ')} or --help`,
      );
    const isSwitch = SERVER_FLAGS[name].value === '';
    const value = isSwitch ? (inline ?? '1') : (inline ?? argv[++i]);
    if (value === undefined || value === '') throw new ConfigError(name, 'expects a value');
    values[SERVER_FLAGS[name].env] = { value, source: name };
  }
  return values;
}

/**
 * The variable or flag, as the operator gave it, that set the option a {@link ConfigError} from
 * `startServer` names (`workflowLeaseMs`, `allowedOrigins[2]`), so that the error speaks of what
 * they can change; `field` itself when the command line does not set it.
 */
export function settingOf(field: string, argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const values = readSettings(argv, env);
  if (values === 'help') return field;
  const option = field.replace(/\[\d+\]$/, '');
  if (option === 'authSecret')
    return values.LIVELINE_AUTH_SECRET_FILE?.source ?? 'LIVELINE_AUTH_SECRET';
  const flag = Object.values(SERVER_FLAGS).find((f) => f.option === option);
  return flag === undefined ? field : (values[flag.env]?.source ?? flag.env);
}

/**
 * Reads server options from the environment and `--flag value`/`--flag=value` arguments (flags
 * win), throwing {@link ConfigError} that names the bad variable or flag. `-h`/`--help` anywhere
 * a flag may stand returns `'help'`.
 */
export function parseCliOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ServerOptions | 'help' {
  const values = readSettings(argv, env);
  if (values === 'help') return 'help';
  const options: ServerOptions = {};
  const port = values.PORT;
  if (port) {
    if (!/^\d{1,5}$/.test(port.value) || Number(port.value) > 65_535)
      throw new ConfigError(
        port.source,
        `expected a port from 0 to 65535, got ${JSON.stringify(port.value)}`,
      );
    options.port = Number(port.value);
  }
  // Ranges are checked with the other options by startServer (rules L4, L5, L7, B5, W8, K4).
  for (const flag of Object.values<ServerFlag>(SERVER_FLAGS)) {
    const setting = values[flag.env as EnvName];
    if (!setting || !isNumericFlag(flag)) continue;
    if (!flag.syntax.test(setting.value))
      throw new ConfigError(
        setting.source,
        `expected ${flag.expected}, got ${JSON.stringify(setting.value)}`,
      );
    options[flag.option] = Number(setting.value);
  }
  const retention = values.RUN_RETENTION;
  if (retention) {
    const seconds = parseTtl(retention.value);
    if (!seconds)
      throw new ConfigError(
        retention.source,
        `expected a duration like 30d, 12h, 90m or 45s, got ${JSON.stringify(retention.value)}`,
      );
    options.runRetentionMs = seconds * 1000;
  }
  if (values.HOST) options.host = values.HOST.value;
  const insecure = values.LIVELINE_INSECURE_NO_AUTH;
  if (insecure) {
    if (insecure.value !== '1' && insecure.value !== 'true')
      throw new ConfigError(insecure.source, 'expected 1 or true');
    options.insecureNoAuth = true;
  }
  const secretFile = values.LIVELINE_AUTH_SECRET_FILE;
  if (secretFile) options.authSecret = secretFrom(secretFile.source, secretFile.value);
  else if (env.LIVELINE_AUTH_SECRET) options.authSecret = env.LIVELINE_AUTH_SECRET;
  if (values.DATA_DIR) options.dataDir = values.DATA_DIR.value;
  if (values.VIDEOS_DIR) options.videosDir = values.VIDEOS_DIR.value;
  if (values.WEB_DIR) options.webDir = values.WEB_DIR.value;
  if (values.DATABASE_URL) options.databaseUrl = values.DATABASE_URL.value;
  if (values.REDIS_URL) options.redisUrl = values.REDIS_URL.value;
  if (values.NODE_ID) options.nodeId = values.NODE_ID.value;
  if (values.FFMPEG_PATH) options.ffmpegPath = values.FFMPEG_PATH.value;
  if (values.ESPEAK_NG_PATH) options.espeakNgPath = values.ESPEAK_NG_PATH.value;
  const render = values.RENDER_VIDEO;
  if (render) {
    if (!/^(true|false|1|0)$/.test(render.value))
      throw new ConfigError(
        render.source,
        `expected true or false, got ${JSON.stringify(render.value)}`,
      );
    options.renderVideo = render.value === 'true' || render.value === '1';
  }
  if (values.ALLOWED_ORIGINS) {
    const origins = list(values.ALLOWED_ORIGINS.value);
    const bad = origins.find((origin) => !/^https?:\/\/[^/\s]+$/.test(origin));
    if (bad !== undefined)
      throw new ConfigError(
        values.ALLOWED_ORIGINS.source,
        `expected origins like http://host:port, got ${JSON.stringify(bad)}`,
      );
    options.allowedOrigins = origins;
  }
  if (values.ALLOWED_HOSTS) {
    const hosts = list(values.ALLOWED_HOSTS.value);
    const bad = hosts.find((host) => !HOST_ENTRY.test(host));
    if (bad !== undefined)
      throw new ConfigError(
        values.ALLOWED_HOSTS.source,
        `expected host names like example.com, .example.com or *, got ${JSON.stringify(bad)}`,
      );
    options.allowedHosts = hosts;
  }
  if (values.TRUSTED_PROXIES) {
    const proxies = list(values.TRUSTED_PROXIES.value);
    const bad = proxies.find((proxy) => isIP(proxy) === 0);
    if (bad !== undefined)
      throw new ConfigError(
        values.TRUSTED_PROXIES.source,
        `expected IP addresses like 127.0.0.1 or ::1, got ${JSON.stringify(bad)}`,
      );
    options.trustedProxies = proxies;
  }
  const level = values.LOG_LEVEL;
  if (level) {
    const found = LOG_LEVELS.find((l): l is LogLevel => l === level.value);
    if (!found) throw new ConfigError(level.source, `expected one of ${LOG_LEVELS.join(', ')}`);
    options.logLevel = found;
  }
  return options;
}
