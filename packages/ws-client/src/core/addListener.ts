/** Listeners by subscription token: the same function subscribed twice is two entries. */
export type Listeners<T> = Map<object, T>;

/**
 * Adds `listener` under a token of its own; the returned function removes that entry only, so a
 * stale unsubscribe never removes a newer subscription of the same function.
 */
export function addListener<T>(listeners: Listeners<T>, listener: T): () => void {
  const token = {};
  listeners.set(token, listener);
  return () => void listeners.delete(token);
}
