import type { WsRouteName } from '@liveline/protocol';
import type { ConnectionState } from '../core/connectionMachine.js';
import type { Channel } from '../core/createChannel.js';
import { useStore } from './useStore.js';

/** The connection state of one channel; keeps it connected while mounted. */
export function useConnection<R extends WsRouteName>(channel: Channel<R>): ConnectionState {
  return useStore(channel);
}
