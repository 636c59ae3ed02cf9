import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wsMessages } from '@liveline/protocol';
import { startServer, type LivelineServer, type ServerOptions } from '@liveline/server';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, type ClientOptions } from '../core/createClient.js';
import type { WebSocketConstructor } from '../core/environment.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts the real server on a free port with a fresh data directory; stopped after the test. */
export async function startTestServer(options: ServerOptions = {}): Promise<LivelineServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'liveline-client-')));
  const server = await startServer({
    port: 0,
    dataDir,
    logLevel: 'silent',
    stageDurationMs: 2,
    ...options,
  });
  cleanups.push(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return server;
}

/**
 * A client of `server` on `ws` with fast retries; counts the sockets it opens. It validates every
 * message in full, so these tests also check what the real server sends against the protocol.
 */
export function connectTestClient(origin: string, options: Partial<ClientOptions> = {}) {
  const opened: string[] = [];
  const Counting = class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
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
  cleanups.push(() => client.close());
  return { client, opened };
}
