import { parseCommandLine } from '../parseCommandLine.js';
import { DEFAULT_SERVER_URL, DoctorUsageError, toOrigin, type DoctorOptions } from './doctor.js';
import { DEFAULT_TIMEOUT_MS } from './probe.js';

/** The largest `--timeout` accepted, in ms: a probe longer than a minute diagnoses nothing. */
export const MAX_TIMEOUT_MS = 60_000;

/** Usage of the `liveline` CLI. */
export const USAGE = `Usage: liveline doctor [url] [--via <dev-proxy-url>] [--json] [--timeout <ms>] [--origin <origin>] [--token <token>]

Checks GET /health and a real WebSocket handshake plus first message on every route of the
Liveline route table, and explains each failure.

  url                 the Liveline server (default ${DEFAULT_SERVER_URL})
  --via <url>         also check every route, and /api, through this dev proxy (e.g. http://127.0.0.1:5173)
  --json              print one JSON document and nothing else
  --timeout <ms>      deadline per route for the upgrade and first message (default ${DEFAULT_TIMEOUT_MS})
  --origin <origin>   Origin header to send (default: none directly, the proxy's origin via it)
  --token <token>     token for a server with auth on (default: LIVELINE_TOKEN, which keeps it
                      out of ps and the shell history); auth failures are named: missing,
                      expired, invalid or out of scope
  -h, --help          show this help

Exit code: 0 when every route works on every target, 1 when one does not, 2 on a usage error.
`;

/** What the command line asks for. */
export type DoctorArgs =
  | { readonly ok: true; readonly help: true }
  | {
      readonly ok: true;
      readonly help: false;
      readonly json: boolean;
      readonly options: DoctorOptions & { server: string };
    }
  | { readonly ok: false; readonly error: string };

/**
 * Parses the arguments after `liveline doctor`, with the token from `env` (`LIVELINE_TOKEN`)
 * unless `--token` gives one; never throws.
 */
export function parseDoctorArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): DoctorArgs {
  const parsed = parseCommandLine(argv, {
    via: { type: 'string' },
    json: { type: 'boolean', default: false },
    timeout: { type: 'string' },
    origin: { type: 'string' },
    token: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.line;
  if (values.help) return { ok: true, help: true };
  if (positionals.length > 1)
    return { ok: false, error: `expected at most one URL, got ${positionals.join(' ')}` };

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!/^\d+$/.test(values.timeout) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
      return { ok: false, error: `--timeout expects milliseconds from 1 to ${MAX_TIMEOUT_MS}` };
  }
  const token = values.token ?? env.LIVELINE_TOKEN;
  try {
    const server = toOrigin(positionals[0] ?? DEFAULT_SERVER_URL);
    const via = values.via === undefined ? null : toOrigin(values.via);
    // An Origin header is an origin, not a URL: normalise it the same way but keep it exact.
    const origin = values.origin === undefined ? null : toOrigin(values.origin);
    return {
      ok: true,
      help: false,
      json: values.json,
      options: {
        server,
        via,
        timeoutMs,
        origin,
        ...(token !== undefined && token !== '' && { token }),
      },
    };
  } catch (error) {
    if (error instanceof DoctorUsageError) return { ok: false, error: error.message };
    throw error;
  }
}
