import { ConfigError } from '../errors.js';
import { LOG_LEVELS, type LogLevel } from '../log/createLogger.js';
import type { ServerOptions } from './serverOptions.js';

const FLAGS = {
  '--port': 'PORT',
  '--host': 'HOST',
  '--data-dir': 'DATA_DIR',
  '--allowed-origins': 'ALLOWED_ORIGINS',
  '--web-dir': 'WEB_DIR',
  '--log-level': 'LOG_LEVEL',
  '--stage-duration-ms': 'STAGE_DURATION_MS',
  '--max-connections': 'MAX_CONNECTIONS',
  '--max-connections-per-ip': 'MAX_CONNECTIONS_PER_IP',
  '--restart-reconnects-per-second': 'RESTART_RECONNECTS_PER_SECOND',
} as const;
type FlagName = keyof typeof FLAGS;
const isFlag = (name: string): name is FlagName => Object.hasOwn(FLAGS, name);

/**
 * Reads server options from the environment and `--flag value`/`--flag=value` arguments (flags
 * win), throwing {@link ConfigError} that names the bad variable or flag.
 */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ServerOptions {
  const values: Partial<Record<(typeof FLAGS)[FlagName], { value: string; source: string }>> = {};
  for (const key of Object.values(FLAGS)) {
    const value = env[key];
    if (value !== undefined && value !== '') values[key] = { value, source: key };
  }
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [name = '', inline] = arg.split(/=(.*)/s, 2);
    if (!isFlag(name))
      throw new ConfigError(arg, `unknown argument; expected ${Object.keys(FLAGS).join(', ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new ConfigError(name, 'expects a value');
    values[FLAGS[name]] = { value, source: name };
  }
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
  const stage = values.STAGE_DURATION_MS;
  if (stage) {
    // The range is checked with the other options by startServer; here only the syntax.
    if (!/^\d{1,9}$/.test(stage.value))
      throw new ConfigError(
        stage.source,
        `expected milliseconds as a whole number, got ${JSON.stringify(stage.value)}`,
      );
    options.stageDurationMs = Number(stage.value);
  }
  for (const [key, option] of [
    ['MAX_CONNECTIONS', 'maxConnections'],
    ['MAX_CONNECTIONS_PER_IP', 'maxConnectionsPerIp'],
    ['RESTART_RECONNECTS_PER_SECOND', 'restartReconnectsPerSecond'],
  ] as const) {
    const count = values[key];
    if (!count) continue;
    // Rules L5 and K4; the range is checked with the other options by startServer.
    if (!/^[1-9]\d{0,7}$/.test(count.value))
      throw new ConfigError(
        count.source,
        `expected a whole number of connections ≥ 1, got ${JSON.stringify(count.value)}`,
      );
    options[option] = Number(count.value);
  }
  if (values.HOST) options.host = values.HOST.value;
  if (values.DATA_DIR) options.dataDir = values.DATA_DIR.value;
  if (values.WEB_DIR) options.webDir = values.WEB_DIR.value;
  if (values.ALLOWED_ORIGINS) {
    const list = values.ALLOWED_ORIGINS.value
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    const bad = list.find((origin) => !/^https?:\/\/[^/\s]+$/.test(origin));
    if (bad !== undefined)
      throw new ConfigError(
        values.ALLOWED_ORIGINS.source,
        `expected origins like http://host:port, got ${JSON.stringify(bad)}`,
      );
    options.allowedOrigins = list;
  }
  const level = values.LOG_LEVEL;
  if (level) {
    const found = LOG_LEVELS.find((l): l is LogLevel => l === level.value);
    if (!found) throw new ConfigError(level.source, `expected one of ${LOG_LEVELS.join(', ')}`);
    options.logLevel = found;
  }
  return options;
}
