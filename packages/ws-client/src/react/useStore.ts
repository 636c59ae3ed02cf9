import { useSyncExternalStore } from 'react';

/** Anything observable the way the core's channels, views, clock sync and stores are. */
export interface ExternalStore<S> {
  readonly getState: () => S;
  readonly subscribe: (listener: () => void) => () => void;
}

/** The state of a core store, re-rendering only when it changes; the one `useSyncExternalStore` of the hooks. */
export function useStore<S>(store: ExternalStore<S>): S {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
