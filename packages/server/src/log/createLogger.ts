/** Log levels, quietest last; `silent` writes nothing. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Extra fields of a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Writes structured log lines: one JSON object per event. */
export interface Logger {
  /** Logs a detail useful while debugging. */
  debug(event: string, fields?: LogFields): void;
  /** Logs a normal life-cycle event. */
  info(event: string, fields?: LogFields): void;
  /** Logs something rejected or degraded that the server survives. */
  warn(event: string, fields?: LogFields): void;
  /** Logs a failure that needs attention. */
  error(event: string, fields?: LogFields): void;
}

/** Creates a logger writing JSON lines at or above `level` to `write` (stdout by default). */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at =
    (name: Exclude<LogLevel, 'silent'>) =>
    (event: string, fields: LogFields = {}): void => {
      if (LOG_LEVELS.indexOf(name) < threshold) return;
      write(
        `${JSON.stringify({ time: new Date().toISOString(), level: name, event, ...fields })}\n`,
      );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
