import { errorMessage } from '../errors.js';
import { parseCommandLine } from '../parseCommandLine.js';
import { MAX_TOKEN_LIFETIME_S, MIN_SECRET_BYTES } from './createAuth.js';
import { readSecretFile } from './readSecretFile.js';

/** Usage of `liveline token`. */
export const TOKEN_USAGE = `Usage: liveline token --sub <id> --scope "<grants>" [--name <name>] [--ttl 10m] [--link <url>]

Mints a Liveline token (HS256, aud "liveline") with the server's secret: LIVELINE_AUTH_SECRET,
or the file of --auth-secret-file / LIVELINE_AUTH_SECRET_FILE. Prints the token, or with --link an
invite link carrying it in the URL fragment (#token=…), which browsers never send to a server.

  --sub <id>                 who the token is for (required)
  --scope "<grants>"         space-separated resource:target:action grants (required), e.g.
                             "board:*:write transport:*:control workflow:*:start monitor:*:read server:*:read"
  --name <name>              the name other users see (presence, board events)
  --ttl <duration>           lifetime: 90s, 10m, 8h or 7d, at most ${MAX_TOKEN_LIFETIME_S / 86_400}d (default 10m)
  --link <url>               print <url>/#token=<token> instead of the token
  --auth-secret-file <file>  read the secret from this file
  -h, --help                 show this help

Exit code: 0 when a token was printed, 2 on a usage error or a missing secret.
`;

/** What `liveline token` is asked to mint. */
export type TokenArgs =
  | { readonly ok: true; readonly help: true }
  | {
      readonly ok: true;
      readonly help: false;
      readonly secret: string;
      readonly sub: string;
      readonly scope: string;
      readonly name?: string;
      readonly ttlSeconds: number;
      readonly link: string | null;
    }
  | { readonly ok: false; readonly error: string };

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds of a duration such as `90s`, `10m`, `8h` or `7d`, or null. */
export const parseTtl = (text: string): number | null => {
  const found = /^(\d{1,6})([smhd])$/.exec(text);
  return found ? Number(found[1]) * (UNIT_SECONDS[found[2] ?? ''] ?? 0) : null;
};

/** Parses the arguments after `liveline token`, with the secret from `env`; never throws. */
export function parseTokenArgs(argv: readonly string[], env: NodeJS.ProcessEnv): TokenArgs {
  const parsed = parseCommandLine(argv, {
    sub: { type: 'string' },
    scope: { type: 'string' },
    name: { type: 'string' },
    ttl: { type: 'string', default: '10m' },
    link: { type: 'string' },
    'auth-secret-file': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.line;
  if (values.help) return { ok: true, help: true };
  if (positionals.length) return { ok: false, error: `unexpected ${positionals.join(' ')}` };
  if (!values.sub) return { ok: false, error: 'missing --sub' };
  if (!values.scope) return { ok: false, error: 'missing --scope' };
  const ttlSeconds = parseTtl(values.ttl);
  if (ttlSeconds === null || ttlSeconds === 0)
    return { ok: false, error: `--ttl: expected a duration like 90s, 10m, 8h or 7d` };
  if (ttlSeconds > MAX_TOKEN_LIFETIME_S)
    return {
      ok: false,
      error: `--ttl: at most ${MAX_TOKEN_LIFETIME_S / 86_400}d: a token cannot be revoked before its exp but by a new secret`,
    };
  let link: string | null = null;
  if (values.link !== undefined) {
    if (!URL.canParse(values.link) || !/^https?:$/.test(new URL(values.link).protocol))
      return { ok: false, error: `--link: expected an http(s) URL, got ${values.link}` };
    link = values.link;
  }
  const file = values['auth-secret-file'] ?? env.LIVELINE_AUTH_SECRET_FILE;
  let secret = env.LIVELINE_AUTH_SECRET ?? '';
  if (file)
    try {
      secret = readSecretFile(file);
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    return {
      ok: false,
      error: `no secret of at least ${MIN_SECRET_BYTES} bytes: set LIVELINE_AUTH_SECRET or --auth-secret-file, as for the server`,
    };
  return {
    ok: true,
    help: false,
    secret,
    sub: values.sub,
    scope: values.scope,
    ...(values.name !== undefined && { name: values.name }),
    ttlSeconds,
    link,
  };
}

/** The invite link: the app's URL with the token in its fragment. */
export const inviteLink = (link: string, token: string): string => {
  const url = new URL(link);
  url.hash = `token=${token}`;
  return url.href;
};
