import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type LivelineServer, type LivelineServerOptions } from '@liveline/server';
import { setServerOrigin } from './lib/serverOrigin';

/**
 * Starts a real server on port 0 with a fresh data directory before the file's first test and
 * points the app at it; stops it and removes the directory after the last. Call it at the top
 * of a test file; it answers the server (once started).
 */
export function withRealServer(options: LivelineServerOptions = {}): () => LivelineServer {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveline-web-'));
  let server: LivelineServer | null = null;
  beforeAll(async () => {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'silent',
      ...options,
    });
    setServerOrigin(server.origin);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!server) throw new Error('the server starts before the first test');
    return server;
  };
}
