import type { WsRouteName } from '@liveline/protocol';
import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../core/connectionMachine.js';
import type { Channel } from '../core/createChannel.js';

/** The connection state of one channel; keeps it connected while mounted. */
export function useConnection<R extends WsRouteName>(channel: Channel<R>): ConnectionState {
  return useSyncExternalStore(channel.subscribe, channel.getState, channel.getState);
}
