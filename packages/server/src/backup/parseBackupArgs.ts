import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '../config/serverOptions.js';
import { parseCommandLine } from '../parseCommandLine.js';

/** Usage of `liveline backup`. */
export const BACKUP_USAGE = `Usage: liveline backup <file> [--data-dir <dir>]

Copies the server's SQLite database to <file> while the server keeps serving (SQLite's online
backup API): the copy holds every write acknowledged before the backup started. Every room of
the copy starts a new epoch, so after a restore clients get a fresh snapshot instead of
resuming across events the backup does not hold. Restore: docs/operations.md. In cluster mode
(DATABASE_URL set) the state is in PostgreSQL: this refuses, and docs/operations.md says how to
back up with pg_dump.

  <file>              where to write the copy; it must not exist yet
  --data-dir <dir>    the server's data directory (default: DATA_DIR, else ${DEFAULT_DATA_DIR})
  -h, --help          show this help

Exit code: 0 when the copy is complete, 1 when it failed, 2 on a usage error or in cluster mode.
`;

/** What `liveline backup` is asked to do. */
export type BackupArgs =
  | { readonly ok: true; readonly help: true }
  | { readonly ok: true; readonly help: false; readonly file: string; readonly dataDir: string }
  | { readonly ok: false; readonly error: string };

/**
 * Parses the arguments after `liveline backup`, with `DATA_DIR` from `env`; never throws. With
 * `DATABASE_URL` set it is an error: the SQLite file in the data directory is not the cluster's
 * state (a stale copy at best).
 */
export function parseBackupArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BackupArgs {
  const parsed = parseCommandLine(argv, {
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.line;
  if (values.help) return { ok: true, help: true };
  if (env.DATABASE_URL)
    return {
      ok: false,
      error:
        'DATABASE_URL is set: in cluster mode the state is in PostgreSQL, not in a SQLite file; back it up with pg_dump as docs/operations.md "PostgreSQL" says',
    };
  const [file, ...extra] = positionals;
  if (file === undefined || file === '') return { ok: false, error: 'missing <file>' };
  if (extra.length) return { ok: false, error: `expected one file, got ${positionals.join(' ')}` };
  const flag = values['data-dir'];
  if (flag === '') return { ok: false, error: '--data-dir expects a value' };
  // The server's rule: a flag wins, an empty DATA_DIR is unset.
  const dataDir = flag ?? (env.DATA_DIR || DEFAULT_DATA_DIR);
  return { ok: true, help: false, file: resolve(file), dataDir: resolve(dataDir) };
}
