import type { WsRouteName } from '@liveline/protocol';
import {
  createClient,
  createClockSync,
  type Channel,
  type ChannelArgs,
  type Client,
  type ClockSync,
} from '@liveline/ws-client';
import { serverOrigin } from './serverOrigin';

let client: Client | null = null;
let clock: ClockSync | null = null;
const byUrl = new Map<string, Channel<WsRouteName>>();

/** The page's one Liveline client, created outside React on first use against {@link serverOrigin}. */
export function liveline(): Client {
  client ??= createClient({ origin: serverOrigin() });
  return client;
}

/** The shared channel of a route URL; every socket of the app is opened through here. */
export function openChannel<R extends WsRouteName>(name: R, ...args: ChannelArgs<R>): Channel<R> {
  const channel = liveline().channel(name, ...args);
  byUrl.set(channel.url, channel);
  return channel;
}

/** The channel already opened for `url`, if any. */
export function channelFor(url: string): Channel<WsRouteName> | undefined {
  return byUrl.get(url);
}

/** Clock sync over `/ws/transport/clock`: offset, RTT and the extrapolated playhead. */
export function transportClock(): ClockSync {
  clock ??= createClockSync(openChannel('clock'), { now: () => liveline().environment.now() });
  return clock;
}
