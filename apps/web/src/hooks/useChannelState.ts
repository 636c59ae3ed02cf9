import { useSyncExternalStore } from 'react';
import type { ChannelStore } from '../lib/channelStore';

/** The current state of a channel store, re-rendering only when it changes. */
export function useChannelState<S>(store: ChannelStore<S>): S {
  return useSyncExternalStore(store.subscribe, store.getState);
}
