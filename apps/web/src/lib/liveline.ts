import { createClient, type Client } from '@liveline/ws-client';
import { serverOrigin } from './serverOrigin';

let client: Client | null = null;

/**
 * The page's one Liveline client, created outside React on first use against {@link serverOrigin}.
 * It measures RTT and clock offset on every route as it opens, for the Diagnostics panel.
 */
export function liveline(): Client {
  client ??= createClient({ origin: serverOrigin(), measureClock: true });
  return client;
}
