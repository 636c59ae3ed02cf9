import { wsMessages } from '@liveline/protocol';
import { createClient, type ClientOptions, type WebSocketConstructor } from '@liveline/ws-client';
import WebSocket from 'ws';
import { onTestCleanup } from '../test-utils/index.js';

/**
 * A `@liveline/ws-client` client of the server at `origin` on `ws`, with fast retries; counts the
 * sockets it opens and closes after the test. It validates every message in full, so the tests
 * also check what the real server sends against the protocol. `socket` options go to every
 * socket (`origin` makes it look like a browser's).
 */
export function connectWsClient(
  origin: string,
  options: Partial<ClientOptions> = {},
  socket: WebSocket.ClientOptions = {},
) {
  const opened: string[] = [];
  const Counting = class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, socket);
      opened.push(url);
    }
  } as unknown as WebSocketConstructor;
  const client = createClient({
    origin,
    backoff: { baseMs: 20, capMs: 200, floorMs: 5 },
    validate: wsMessages,
    ...options,
    environment: { WebSocket: Counting, ...options.environment },
  });
  onTestCleanup(() => client.close());
  return { client, opened };
}
