#!/usr/bin/env node
/**
 * The `liveline` command: `liveline doctor` (see `src/doctor/`), `liveline token` (`src/auth/`) and `liveline backup` (see
 * `src/backup/`).
 */
import { backupDatabase } from './backup/backupDatabase.js';
import { BACKUP_USAGE, parseBackupArgs, type BackupArgs } from './backup/parseBackupArgs.js';
import { USAGE as DOCTOR_USAGE, parseDoctorArgs, type DoctorArgs } from './doctor/args.js';
import { runDoctor } from './doctor/doctor.js';
import { formatJson, formatReport } from './doctor/report.js';
import { TOKEN_USAGE, inviteLink, parseTokenArgs, type TokenArgs } from './auth/tokenArgs.js';
import { errorMessage } from './errors.js';

/** Exit codes of the CLI. */
const EXIT = { ok: 0, failing: 1, usage: 2 } as const;

/** One line per command; each command's own `--help` has its options. */
const USAGE = `Usage: liveline <command> [options]

Commands:
  doctor [url]     check /health and a real handshake on every WebSocket route, explain failures
  backup <file>    copy the SQLite database while the server keeps serving
  token            mint a signed token, or an invite link carrying one

Run liveline <command> --help for its options. The server itself is liveline-server
(liveline-server --help lists its flags).
`;

type DoctorRun = Extract<DoctorArgs, { help: false }>;
type BackupRun = Extract<BackupArgs, { help: false }>;
type TokenRun = Extract<TokenArgs, { help: false }>;

/** A subcommand's parsed arguments: a usage error, a request for help, or what to run. */
type Parsed<T> =
  | { readonly ok: false; readonly error: string }
  | { readonly ok: true; readonly help: true }
  | ({ readonly ok: true; readonly help: false } & T);

/** Runs a subcommand: a usage error exits 2 with its usage, `--help` prints it, else `run`. */
async function subcommand<T>(
  name: string,
  usage: string,
  args: Parsed<T>,
  run: (args: T) => Promise<number>,
): Promise<number> {
  if (!args.ok) {
    process.stderr.write(`liveline ${name}: ${args.error}\n\n${usage}`);
    return EXIT.usage;
  }
  if (args.help) {
    process.stdout.write(usage);
    return EXIT.ok;
  }
  return run(args);
}

async function doctor({ options, json }: DoctorRun): Promise<number> {
  const report = await runDoctor(options);
  process.stdout.write(json ? formatJson(report) : formatReport(report));
  return report.ok ? EXIT.ok : EXIT.failing;
}

async function backup({ dataDir, file }: BackupRun): Promise<number> {
  try {
    const { source, pages, rooms } = await backupDatabase(dataDir, file);
    process.stdout.write(
      `liveline backup: copied ${source} to ${file} (${pages} pages; ${rooms} rooms start a new epoch)\n`,
    );
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`liveline backup: ${errorMessage(error)}\n`);
    return EXIT.failing;
  }
}

async function token({ secret, link, ...claims }: TokenRun): Promise<number> {
  // Imported only here: loading jose costs ~0.1 s of CPU that no other command needs (rule ML2).
  const { mintToken } = await import('./auth/mintToken.js');
  const minted = await mintToken(secret, claims);
  process.stdout.write(`${link === null ? minted : inviteLink(link, minted)}\n`);
  return EXIT.ok;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (command === 'doctor')
    return subcommand('doctor', DOCTOR_USAGE, parseDoctorArgs(rest, process.env), doctor);
  if (command === 'backup')
    return subcommand('backup', BACKUP_USAGE, parseBackupArgs(rest, process.env), backup);
  if (command === 'token')
    return subcommand('token', TOKEN_USAGE, parseTokenArgs(rest, process.env), token);
  const why = command === undefined ? 'missing command' : `unknown command: ${command}`;
  process.stderr.write(`liveline: ${why}\n\n${USAGE}`);
  return EXIT.usage;
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
