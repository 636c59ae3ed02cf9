import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Health } from '@liveline/protocol';
import type { ServerOptions } from '../config/serverOptions.js';
import type { LifecycleState } from './lifecycle.js';
import type { LivelineParts } from './resolveParts.js';

/** Options of `createLivelineServer`: the settings of `startServer` plus replaceable parts. */
export interface LivelineServerOptions extends ServerOptions, LivelineParts {}

/** What a server can do in any state. */
export interface LivelineControl {
  /** Where the server is in its life: `starting`, `listening`, `draining` or `stopped`. */
  readonly state: LifecycleState;
  /** Drains (503 for new upgrades, 1012 to every socket), stops the domains, closes what it opened. */
  stop(): Promise<void>;
  /** Closes every socket with `code` and `reason`. */
  disconnectAll(code: number, reason: string): void;
  /** The `/health` body. */
  stats(): Health;
}

/** A Liveline server listening on its own port. */
export interface LivelineServer extends LivelineControl {
  /** `http://host:port` of the server. */
  readonly origin: string;
  /** The port it listens on. */
  readonly port: number;
}

/** A Liveline server built but not yet serving: listen on its own port, or attach to a host's server. */
export interface Liveline extends LivelineControl {
  /**
   * Listens on the `host` and `port` of the options (`startServer` is this); rejects with a
   * `ConfigError` naming `host` when it is beyond loopback without auth (rule A1).
   */
  listen(): Promise<LivelineServer>;
  /**
   * Serves the route table on `server` beside its own routes: the `request` and `upgrade`
   * listeners it has now keep every other path. `stop()` gives them back and leaves it open.
   * Without auth, rule A1 judges the address `server` is bound to, now or once it listens, never
   * the `host` option.
   */
  attach(server: Server | HttpsServer): void;
}
