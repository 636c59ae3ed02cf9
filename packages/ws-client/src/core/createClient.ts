import { wsUrl, type RouteParams, type WsRouteName, type WsUrlOptions } from '@liveline/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createClockSync, type ClockSync, type ClockSyncState } from './clockSync.js';
import type { ConnectionState } from './connectionMachine.js';
import { createChannel, type Channel, type ChannelOptions } from './createChannel.js';
import { createEnvironment, type Environment } from './environment.js';

/** Options of {@link createClient}. */
export interface ClientOptions extends ChannelOptions {
  /** The server origin, `http(s)://host:port` or `ws(s)://host:port`. */
  readonly origin: string;
  /** Replacements for parts of the environment (`WebSocket` from `ws` in Node). @default createEnvironment() */
  readonly environment?: Partial<Environment>;
  /** Probe RTT and clock offset on every connection as it opens, for diagnostics. @default false */
  readonly measureClock?: boolean;
}

/** The arguments naming a route's URL: params when the route has some, and a query. */
export type ChannelArgs<R extends WsRouteName> = keyof RouteParams<R> extends never
  ? [WsUrlOptions<R>?]
  : [WsUrlOptions<R>];

/** One connection as the diagnostics see it. */
export interface ConnectionEntry {
  readonly route: WsRouteName;
  readonly url: string;
  readonly state: ConnectionState;
  /** The shared channel, e.g. to `reconnect()` it. */
  readonly channel: Channel<WsRouteName>;
  /** RTT and clock offset measured over this connection since it last opened, with `measureClock`. */
  readonly clock: ClockSyncState | null;
}

/** A page's set of shared connections. */
export interface Client {
  /** The environment every connection uses. */
  readonly environment: Environment;
  /** Every connection's state by URL, observable. */
  readonly connections: StoreApi<Readonly<Record<string, ConnectionEntry>>>;
  /** The channel for a route URL: one per URL, connected while anything listens, evicted once nothing does. */
  channel<R extends WsRouteName>(name: R, ...options: ChannelArgs<R>): Channel<R>;
  /** The clock sync of a channel: one per channel, shared with `measureClock`'s diagnostics. */
  clockSync<R extends WsRouteName>(channel: Channel<R>): ClockSync;
  /** Reconnects every connection now. */
  reconnectAll(): void;
  /** Closes every connection (page teardown, tests). */
  close(): void;
}

/** Creates a client; create one per page, outside React. */
export function createClient(options: ClientOptions): Client {
  const environment = createEnvironment(options.environment);
  const channels = new Map<string, Channel<WsRouteName>>();
  const connections = createStore<Readonly<Record<string, ConnectionEntry>>>(() => ({}));
  const url = wsUrl as (origin: string, name: WsRouteName, options?: unknown) => string;
  // Weak: a channel's clock sync goes with the channel once the client evicts it.
  const clocks = new WeakMap<Channel<WsRouteName>, ClockSync>();
  const clockSync = (channel: Channel<WsRouteName>): ClockSync => {
    let sync = clocks.get(channel);
    if (!sync) clocks.set(channel, (sync = createClockSync(channel, { now: environment.now })));
    return sync;
  };

  return {
    environment,
    connections,
    channel<R extends WsRouteName>(name: R, ...[args]: ChannelArgs<R>): Channel<R> {
      const key = url(options.origin, name, args);
      const found = channels.get(key);
      if (found) return found as Channel<R>;
      /** Whether this channel is the one the client lists for its URL. */
      const listed = () => channels.get(key) === channel;
      const publish = () =>
        listed() &&
        connections.setState({
          [key]: {
            route: name,
            url: key,
            state: channel.getState(),
            channel,
            clock: clock?.getState() ?? null,
          },
        });
      // An unheld channel is evicted; held again through a kept reference, it is listed again
      // unless `channel()` has made a newer one for its URL meanwhile.
      const onHeld = (held: boolean) => {
        if (held && !channels.has(key)) channels.set(key, channel);
        if (held || !listed()) return;
        channels.delete(key);
        const { [key]: _evicted, ...rest } = connections.getState();
        connections.setState(rest, true);
      };
      const channel = createChannel(name, key, environment, options, publish, onHeld);
      const clock = options.measureClock ? clockSync(channel) : null;
      // Passive: measuring never keeps a connection open that nothing else uses.
      clock?.subscribe(publish, true);
      channels.set(key, channel);
      publish();
      return channel;
    },
    clockSync,
    reconnectAll: () => channels.forEach((c) => c.reconnect()),
    close: () => channels.forEach((c) => c.stop()),
  };
}
