import type { Board } from '@liveline/protocol';
import type { LivelineServer, LivelineServerOptions } from '../index.js';
import { createLogger } from '../log/createLogger.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import { onTestCleanup, startTestServer, tempDataDir } from './index.js';

/**
 * A test server (with `options`) over a real storage already holding `board`, as the server
 * would have stored it.
 */
export async function startServerWithBoard(
  board: Board,
  options: LivelineServerOptions = {},
): Promise<LivelineServer> {
  const storage = createSqliteStorage(tempDataDir(), createLogger('silent'));
  onTestCleanup(() => storage.close());
  await storage.putDocument({ kind: 'board', id: board.board_id, value: board });
  return startTestServer({ ...options, storage });
}
