import type { WsRouteName } from '@liveline/protocol';
import { useSyncExternalStore } from 'react';
import type { Channel } from '../core/createChannel.js';
import { createView, type ViewReducer } from '../core/createView.js';

/** The state `reduce` derives from a channel; keeps the channel connected while mounted. */
export function useView<R extends WsRouteName, S>(
  channel: Channel<R>,
  reduce: ViewReducer<R, S>,
  initial: S,
): S {
  const view = createView(channel, reduce, initial);
  return useSyncExternalStore(view.subscribe, view.getState, view.getState);
}
