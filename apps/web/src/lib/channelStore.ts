import type { ServerMessage, WsRouteName } from '@liveline/protocol';
import type { Channel } from '@liveline/ws-client';

/** Domain state folded from one channel's messages; listens only while something subscribes. */
export interface ChannelStore<S> {
  readonly getState: () => S;
  readonly subscribe: (listener: () => void) => () => void;
}

const cache = new Map<string, ChannelStore<unknown>>();

/**
 * The store for a channel, one per URL and kept for the page's life: the channel resumes from
 * its last position after a pause, so the folded state must survive the pause too.
 */
export function channelStore<R extends WsRouteName, S>(
  channel: Channel<R>,
  reduce: (state: S, message: ServerMessage<R>) => S,
  initial: S,
): ChannelStore<S> {
  const found = cache.get(channel.url);
  if (found) return found as ChannelStore<S>;
  let state = initial;
  const listeners = new Set<() => void>();
  let detach: (() => void) | null = null;
  const store: ChannelStore<S> = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      detach ??= channel.onMessage((message) => {
        const next = reduce(state, message);
        if (next === state) return;
        state = next;
        listeners.forEach((l) => l());
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && detach) {
          detach();
          detach = null;
        }
      };
    },
  };
  cache.set(channel.url, store);
  return store;
}
