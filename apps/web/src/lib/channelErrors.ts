import { create } from 'zustand';
import type { Client, ConnectionEntry } from '@liveline/ws-client';
import { routeKey } from './routeConnection';

/**
 * The last error each route's channel reported that no request settles (ws-client's `onError`:
 * a message that fails validation, a server `error` without an `op_id`, a message dropped from the
 * outbox), by route key, for the Diagnostics panel and its report.
 */
export const useChannelErrors = create<Readonly<Record<string, string>>>(() => ({}));

/**
 * Listens to the errors of every channel `client` opens: each is logged once to the console and
 * kept as its route's last error. Without it they would reach no one.
 */
export function watchChannelErrors(client: Client): void {
  const watched = new WeakSet<object>();
  const watch = (entries: Readonly<Record<string, ConnectionEntry>>) => {
    for (const { channel, url } of Object.values(entries)) {
      if (watched.has(channel)) continue;
      watched.add(channel);
      const key = routeKey(url);
      channel.onError((error) => {
        const text = `${error.code}: ${error.message}`;
        console.warn(`Liveline ${key}: ${text}`);
        useChannelErrors.setState({ [key]: text });
      });
    }
  };
  watch(client.connections.getState());
  client.connections.subscribe(watch);
}
