import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  createCardOverHttp,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';
import { DATABASE_FILE } from './createSqliteStorage.js';

/** The rows of the server's `rooms` table, read beside it. */
function roomRows(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM rooms').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Joins the ordered room of `path` and takes its start: the snapshot or `resumed` (R2). */
async function startOf(server: { origin: string }, path: string) {
  const client = await connectTestClient(wsOrigin(server, path));
  const first = await client.next((m) => m.type === 'snapshot' || m.type === 'resumed');
  client.ws.close();
  return first;
}

describe('rooms nothing was written to, on a real server', () => {
  it('SEQ5 joining and reading boards and runs never written, and a new board refused at the cap, store no room', async () => {
    const dataDir = tempDataDir();
    const server = await startTestServer({ dataDir, maxBoards: 1 });
    expect((await createCardOverHttp(server, 'kept', 'k1')).status).toBe(201);
    const rows = roomRows(dataDir);

    for (let i = 0; i < 20; i += 1) {
      const board = await startOf(server, `/ws/connect?board_id=never-${i}`);
      expect(board).toMatchObject({ type: 'snapshot', seq: 0 });
      const run = await startOf(server, `/ws/workflow/never-${i}`);
      expect(run).toMatchObject({ type: 'snapshot', seq: 0, data: { workflow: null } });
      expect((await rawRequest(server, `/api/boards/read-${i}`)).status).toBe(200);
    }
    expect((await createCardOverHttp(server, 'refused', 'r1')).status).toBe(409);

    expect(roomRows(dataDir)).toBe(rows);
  });

  it('SEQ5 R4 a client that joined a board before its first write gets that write as seq 1, then resumes in the epoch it joined', async () => {
    const server = await startTestServer({ dataDir: tempDataDir() });
    const early = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=fresh'));
    const snapshot = await early.next('snapshot');
    expect(snapshot).toMatchObject({ seq: 0 });

    expect((await createCardOverHttp(server, 'fresh', 'f1')).status).toBe(201);
    expect(await early.next((m) => m.seq === 1)).toMatchObject({ type: 'card.created' });
    early.ws.close();

    const epoch = String(snapshot.epoch);
    const back = await startOf(server, `/ws/connect?board_id=fresh&epoch=${epoch}&seq=1`);
    expect(back).toMatchObject({ type: 'resumed', epoch, seq: 1 });
  });
});
