#!/usr/bin/env node
import { parseCliOptions, settingOf } from './config/parseCliOptions.js';
import { serverUsage } from './config/serverFlags.js';
import { ConfigError, errorMessage } from './errors.js';
import { DRAIN_TIMEOUT_MS, startServer } from './index.js';

/** Exit code for bad configuration (like a usage error). */
const EXIT_BAD_CONFIG = 2;
/** A stop that takes longer than this is cut short, in ms. */
const STOP_DEADLINE_MS = DRAIN_TIMEOUT_MS + 3_000;

async function main(): Promise<void> {
  let options;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`liveline-server: ${errorMessage(error)}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  if (options === 'help') {
    process.stdout.write(serverUsage());
    return;
  }
  let server;
  try {
    server = await startServer(options);
  } catch (error) {
    // An option's range is checked by startServer, which knows it by its name in the API: say it
    // as the operator set it (WORKFLOW_LEASE_MS, --workflow-lease-ms), as the syntax errors do.
    const message =
      error instanceof ConfigError
        ? `${settingOf(error.field, process.argv.slice(2), process.env)}: ${error.reason}`
        : errorMessage(error);
    process.stderr.write(`liveline-server: ${message}\n`);
    process.exit(error instanceof ConfigError ? EXIT_BAD_CONFIG : 1);
  }
  let signals = 0;
  const shutdown = (signal: string): void => {
    // A Ctrl-C on `npm start` reaches this process twice (the terminal's, then start.mjs's), and a
    // supervisor may repeat its SIGTERM: a later signal must not cut the drain short (D1).
    signals += 1;
    if (signals === 2)
      process.stdout.write(
        `Liveline server: ${signal} while draining, ignored: the stop ends within ${STOP_DEADLINE_MS / 1000} s\n`,
      );
    if (signals > 1) return;
    process.stdout.write(`Liveline server: ${signal}, draining\n`);
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`liveline-server: stop failed: ${errorMessage(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Announced once the signals are handled: a supervisor (or test) that stops the server as soon
  // as it reads this line must not find the default action (killed, no drain) still in place.
  process.stdout.write(`Liveline server listening on ${server.origin}\n`);
}

void main();
