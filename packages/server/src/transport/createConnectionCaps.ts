/** Bounds on open WebSockets (rule L5). */
export interface ConnectionCapLimits {
  /** Open sockets in total. */
  readonly maxConnections: number;
  /** Open sockets per client: an IPv4 address or an IPv6 /64 (auth/addressKey.ts). */
  readonly maxConnectionsPerIp: number;
}

/** Why a connection was refused: the per-IP or the total cap is reached. */
export type CapScope = 'ip' | 'total';

/** Counts open WebSockets per client and in total; a slot is held from the upgrade until the TCP socket closes or the upgrade is refused. */
export interface ConnectionCaps {
  /** Takes a slot for `client` (auth/addressKey.ts), or names the cap that is full; `release` may be called more than once. */
  admit(
    client: string,
  ): { ok: true; release: () => void } | { ok: false; scope: CapScope; limit: number };
}

/** Creates the connection counter of rule L5. */
export function createConnectionCaps(limits: ConnectionCapLimits): ConnectionCaps {
  const perClient = new Map<string, number>();
  let total = 0;
  return {
    admit(client) {
      const mine = perClient.get(client) ?? 0;
      if (mine >= limits.maxConnectionsPerIp)
        return { ok: false, scope: 'ip', limit: limits.maxConnectionsPerIp };
      if (total >= limits.maxConnections)
        return { ok: false, scope: 'total', limit: limits.maxConnections };
      perClient.set(client, mine + 1);
      total += 1;
      let released = false;
      return {
        ok: true,
        // Called when the upgrade is refused and again at the TCP socket's 'close'.
        release() {
          if (released) return;
          released = true;
          total -= 1;
          const left = (perClient.get(client) ?? 1) - 1;
          if (left > 0) perClient.set(client, left);
          else perClient.delete(client);
        },
      };
    },
  };
}
