import type { UpgradeRejection } from './resolveUpgradeTarget.js';

/** Bounds on open WebSockets, and apart from them on the server's other sockets (rule L5). */
export interface ConnectionCapLimits {
  /** Open sockets in total. */
  readonly maxConnections: number;
  /** Open sockets per client: an IPv4 address or an IPv6 /64 (auth/addressKey.ts). */
  readonly maxConnectionsPerIp: number;
}

/** Why a connection was refused: the per-IP or the total cap is reached. */
export type CapScope = 'ip' | 'total';

/** A cap that is full: which one, and its limit. */
export interface FullCap {
  readonly scope: CapScope;
  readonly limit: number;
}

/** Counts sockets per client and in total; a slot is held until its holder releases it. */
export interface ConnectionCaps {
  /**
   * Takes a slot for `client` (auth/addressKey.ts), or for the total alone when `null` (a trusted
   * proxy, whose sockets carry many clients), or names the cap that is full; `release` may be
   * called more than once.
   */
  admit(client: string | null): { ok: true; release: () => void } | ({ ok: false } & FullCap);
}

/** Creates the connection counter of rule L5. */
export function createConnectionCaps(limits: ConnectionCapLimits): ConnectionCaps {
  const perClient = new Map<string, number>();
  let total = 0;
  return {
    admit(client) {
      const mine = client === null ? 0 : (perClient.get(client) ?? 0);
      if (mine >= limits.maxConnectionsPerIp)
        return { ok: false, scope: 'ip', limit: limits.maxConnectionsPerIp };
      if (total >= limits.maxConnections)
        return { ok: false, scope: 'total', limit: limits.maxConnections };
      if (client !== null) perClient.set(client, mine + 1);
      total += 1;
      let released = false;
      return {
        ok: true,
        // Called when the upgrade is refused and again at the TCP socket's 'close'.
        release() {
          if (released) return;
          released = true;
          total -= 1;
          if (client === null) return;
          const left = (perClient.get(client) ?? 1) - 1;
          if (left > 0) perClient.set(client, left);
          else perClient.delete(client);
        },
      };
    },
  };
}

/** The `503` of a full cap (rule L5), naming the `client` counted when its own cap is full. */
export const capRejection = (client: string, { scope, limit }: FullCap): UpgradeRejection => ({
  status: 503,
  code: 'unavailable',
  message:
    scope === 'ip'
      ? `too many connections from ${client} (limit ${limit}); close some or retry later`
      : `the server is at its connection limit (${limit}); retry later`,
  field: null,
  headers: { 'Retry-After': '1' },
  extra: { scope, limit },
});
