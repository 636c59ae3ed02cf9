import type { WsRouteName } from '@liveline/protocol';
import type { Channel } from '../core/createChannel.js';
import { createView, type ViewReducer } from '../core/createView.js';
import { useStore } from './useStore.js';

/** The state `reduce` derives from a channel; keeps the channel connected while mounted. */
export function useView<R extends WsRouteName, S>(
  channel: Channel<R>,
  reduce: ViewReducer<R, S>,
  initial: S,
): S {
  return useStore(createView(channel, reduce, initial));
}
