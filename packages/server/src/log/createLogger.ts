/** Log levels, quietest last; `silent` writes nothing. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Extra fields of a log line. `time`, `level` and `event` are the line's own: a field of that name
 * would make the line lie about what it records.
 */
export type LogFields = Readonly<Record<string, unknown>> & {
  readonly time?: never;
  readonly level?: never;
  readonly event?: never;
};

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
      const own = { time: new Date().toISOString(), level: name, event };
      // Spread twice: the line's own keys come first and keep their values whatever fields holds.
      write(`${JSON.stringify({ ...own, ...fields, ...own })}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
