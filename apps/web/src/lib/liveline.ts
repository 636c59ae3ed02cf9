import { wsMessages } from '@liveline/protocol';
import { createClient, type Client } from '@liveline/ws-client';
import { watchChannelErrors } from './channelErrors';
import { serverOrigin } from './serverOrigin';
import { currentToken, readSession } from './session';

let client: Client | null = null;

/**
 * The page's one Liveline client, created outside React on first use against {@link serverOrigin}.
 * It measures RTT and clock offset on every route as it opens, for the Diagnostics panel. In
 * development it validates every message in full, so server/client drift shows up at once: each
 * channel's errors go to the console and the Diagnostics panel. A production build checks only
 * the envelope (PROTOCOL.md E3) and ships no schemas. With a token (an invite link) every connect
 * offers it, and an expired one signs out (PROTOCOL.md A10).
 */
export function liveline(): Client {
  if (client) return client;
  client = createClient({
    origin: serverOrigin(),
    measureClock: true,
    getToken: readSession() ? () => currentToken() : undefined,
    validate: import.meta.env.DEV ? wsMessages : undefined,
  });
  // Once per client: each watch logs every error again.
  watchChannelErrors(client);
  return client;
}
