/** Bounds on open WebSockets (rule L5). */
export interface ConnectionCapLimits {
  /** Open sockets in total. */
  readonly maxConnections: number;
  /** Open sockets per client IP. */
  readonly maxConnectionsPerIp: number;
}

/** Why a connection was refused: the per-IP or the total cap is reached. */
export type CapScope = 'ip' | 'total';

/** Counts open WebSockets per IP and in total; a slot is held from the upgrade until the TCP socket closes. */
export interface ConnectionCaps {
  /** Takes a slot for `ip`, or names the cap that is full. */
  admit(
    ip: string,
  ): { ok: true; release: () => void } | { ok: false; scope: CapScope; limit: number };
}

/** Creates the connection counter of rule L5. */
export function createConnectionCaps(limits: ConnectionCapLimits): ConnectionCaps {
  const perIp = new Map<string, number>();
  let total = 0;
  return {
    admit(ip) {
      const mine = perIp.get(ip) ?? 0;
      if (mine >= limits.maxConnectionsPerIp)
        return { ok: false, scope: 'ip', limit: limits.maxConnectionsPerIp };
      if (total >= limits.maxConnections)
        return { ok: false, scope: 'total', limit: limits.maxConnections };
      perIp.set(ip, mine + 1);
      total += 1;
      return {
        ok: true,
        // Called once, from the TCP socket's 'close'.
        release() {
          total -= 1;
          const left = (perIp.get(ip) ?? 1) - 1;
          if (left > 0) perIp.set(ip, left);
          else perIp.delete(ip);
        },
      };
    },
  };
}
