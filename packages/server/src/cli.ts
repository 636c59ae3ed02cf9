#!/usr/bin/env node
/**
 * The `liveline` command. One subcommand for now: `liveline doctor` (see `src/doctor/`).
 */
import { USAGE, parseDoctorArgs } from './doctor/args.js';
import { runDoctor } from './doctor/doctor.js';
import { formatJson, formatReport } from './doctor/report.js';

/** Exit codes of the CLI. */
const EXIT = { ok: 0, failing: 1, usage: 2 } as const;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (command !== 'doctor') {
    const why = command === undefined ? 'missing command' : `unknown command: ${command}`;
    process.stderr.write(`liveline: ${why}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const args = parseDoctorArgs(rest);
  if (!args.ok) {
    process.stderr.write(`liveline doctor: ${args.error}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const report = await runDoctor(args.options);
  process.stdout.write(args.json ? formatJson(report) : formatReport(report));
  return report.ok ? EXIT.ok : EXIT.failing;
}

// exitCode rather than exit(): let stdout drain when it is a pipe (`--json | jq`).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `liveline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EXIT.failing;
  },
);
