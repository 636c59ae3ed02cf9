import type { ServerMessage, WsRouteName } from '@liveline/protocol';
import { addListener, type Listeners } from './addListener.js';
import type { Channel } from './createChannel.js';

/** A reducer from a route's messages to a view state; returns `state` itself when unchanged. */
export type ViewReducer<R extends WsRouteName, S> = (state: S, message: ServerMessage<R>) => S;

/** State derived from a channel's messages, observable. */
export interface View<S> {
  readonly getState: () => S;
  /** Hears changes; holds the channel open until unsubscribed. */
  readonly subscribe: (listener: () => void) => () => void;
}

const cache = new WeakMap<object, Map<unknown, View<unknown>>>();

/**
 * The one view of `channel` under `reduce`, created on first use. It hears the channel's messages
 * for its whole life, passively, so an event that comes while another holder (a pending request,
 * another component) keeps the channel open is never missing from its state (no gap).
 */
export function createView<R extends WsRouteName, S>(
  channel: Channel<R>,
  reduce: ViewReducer<R, S>,
  initial: S,
): View<S> {
  const views = cache.get(channel) ?? new Map<unknown, View<unknown>>();
  cache.set(channel, views);
  const found = views.get(reduce) as View<S> | undefined;
  if (found) return found;
  let state = initial;
  const listeners: Listeners<() => void> = new Map();
  channel.onMessage((message) => {
    const next = reduce(state, message);
    if (next === state) return;
    state = next;
    listeners.forEach((l) => l());
  }, true);
  const view: View<S> = {
    getState: () => state,
    subscribe(listener) {
      const remove = addListener(listeners, listener);
      const release = channel.subscribe(() => {});
      return () => {
        remove();
        release();
      };
    },
  };
  views.set(reduce, view);
  return view;
}
