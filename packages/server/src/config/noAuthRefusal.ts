import { MIN_SECRET_BYTES } from '../auth/createAuth.js';
import { ConfigError } from '../errors.js';
import type { ResolvedServerOptions } from './serverOptions.js';

/** Whether `host` only accepts connections from this machine. */
const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' ||
  host === '::1' ||
  host === '[::1]' ||
  /^(?:::ffff:)?127\.\d+\.\d+\.\d+$/i.test(host);

const AUTH_REMEDY = `set LIVELINE_AUTH_SECRET (at least ${MIN_SECRET_BYTES} bytes) or --auth-secret-file, or pass --insecure-no-auth`;

/** The settings that decide whether auth is on or waived (rule A1). */
export type AuthSettings = Pick<ResolvedServerOptions, 'authSecret' | 'insecureNoAuth'>;

/**
 * Why serving `host` is refused (rule A1), or `null` when it is allowed: with a secret, on a
 * loopback host, or with `insecureNoAuth`.
 */
export const noAuthRefusal = (host: string, auth: AuthSettings): string | null =>
  auth.authSecret !== null || auth.insecureNoAuth || isLoopbackHost(host)
    ? null
    : `refusing to serve ${host} without auth: anyone who reaches it could edit every board; ${AUTH_REMEDY}`;

/**
 * The option for which a server without a secret is refused although it binds loopback (rule
 * A1), and why, or `null`: a proxy in front forwards whoever reaches it, and a `Host` name other
 * than loopback's is reached by that name from beyond this machine.
 */
export const reachedBeyondLoopback = (
  trustedProxies: readonly string[],
  allowedHosts: readonly string[],
): { readonly field: string; readonly message: string } | null => {
  if (trustedProxies.length)
    return {
      field: 'trustedProxies',
      message: `refusing to serve behind a proxy without auth: anyone who reaches the proxy could edit every board; ${AUTH_REMEDY}`,
    };
  const named = allowedHosts.find((name) => !isLoopbackHost(name));
  return named === undefined
    ? null
    : {
        field: 'allowedHosts',
        message: `refusing to accept the host ${named} without auth: anyone who reaches it by that name could edit every board; ${AUTH_REMEDY}`,
      };
};

/**
 * Rule A1 for a Liveline that binds `config.host` itself (`listen`): throws a {@link ConfigError}
 * naming `host` when it may not serve it.
 */
export function refuseHostWithoutAuth(
  config: AuthSettings & Pick<ResolvedServerOptions, 'host'>,
): void {
  const refusal = noAuthRefusal(config.host, config);
  if (refusal !== null) throw new ConfigError('host', refusal);
}
