import type { WsRouteName } from '@liveline/protocol';
import type { Channel } from '../core/createChannel.js';
import type { ChannelArgs } from '../core/createClient.js';
import { useLivelineClient } from './useLivelineClient.js';

/** The shared channel of a route URL; it connects while some hook or listener observes it. */
export function useChannel<R extends WsRouteName>(name: R, ...args: ChannelArgs<R>): Channel<R> {
  return useLivelineClient().channel(name, ...args);
}
