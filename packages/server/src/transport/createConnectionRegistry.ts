import { WS_ROUTE_NAMES, type RouteStats, type WsRouteName } from '@liveline/protocol';
import type { Connection } from './Connection.js';
import { createRouteCounters, type RouteCounters } from './routeStats.js';

/** The gateway's open connections and each route's counters. */
export interface ConnectionRegistry extends Iterable<Connection> {
  /** The counters a new connection of `route` adds to. */
  counters(route: WsRouteName): RouteCounters;
  /** Records an accepted connection. */
  add(connection: Connection): void;
  /** Forgets a closed connection. */
  delete(connection: Connection): void;
  /** Number of open connections. */
  size(): number;
  /** Resolves once no connection is open (at once if none is). */
  whenIdle(): Promise<void>;
  /** Per-route counters for `/health`. */
  stats(): Record<WsRouteName, RouteStats>;
}

/** Creates an empty {@link ConnectionRegistry}. */
export function createConnectionRegistry(): ConnectionRegistry {
  const connections = new Set<Connection>();
  /** Resolvers of {@link ConnectionRegistry.whenIdle}, called when the last connection closes. */
  const idleWaiters: (() => void)[] = [];
  const counters = Object.fromEntries(
    WS_ROUTE_NAMES.map((n) => [n, createRouteCounters()]),
  ) as Record<WsRouteName, RouteCounters>;
  return {
    [Symbol.iterator]: () => connections.values(),
    counters: (route) => counters[route],
    add(connection) {
      connections.add(connection);
    },
    delete(connection) {
      connections.delete(connection);
      if (connections.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    },
    size: () => connections.size,
    whenIdle: () =>
      connections.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    stats() {
      const out = {} as Record<WsRouteName, RouteStats>;
      for (const name of WS_ROUTE_NAMES) {
        const mine = [...connections].filter((c) => c.route === name);
        const rooms = new Set(mine.flatMap((c) => [...c.rooms]));
        out[name] = { connections: mine.length, rooms: rooms.size, ...counters[name] };
      }
      return out;
    },
  };
}
