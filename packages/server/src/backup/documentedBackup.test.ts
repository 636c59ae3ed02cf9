import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serverBoard } from '../reliability/expectConverged.js';
import { documentedCommands } from '../test-utils/documentedCommands.js';
import { createCardOverHttp, tempDataDir } from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';

const REPOSITORY = fileURLToPath(new URL('../../../..', import.meta.url));

/**
 * Runs a documented block in `sh` from `cwd` with `env` and none of the server's directories
 * unless `env` sets them. Its `pnpm run backup` runs packages/server/dist (`npm test` builds first).
 */
async function runDocumented(command: string, cwd: string, env: Record<string, string>) {
  const { DATA_DIR: _data, VIDEOS_DIR: _videos, BACKUP: _backup, ...inherited } = process.env;
  return promisify(execFile)('/bin/sh', ['-c', command], { cwd, env: { ...inherited, ...env } });
}

describe('the SQLite backup and restore of docs/operations.md, as written there', () => {
  it('with VIDEOS_DIR unset the backup copies the database and the videos, and the restore with DATA_DIR unset too puts them back and keeps the replaced database', async () => {
    const [, backup = ''] = documentedCommands('Taking a backup');
    const [restore = ''] = documentedCommands('Restoring');
    const root = tempDataDir();
    const dataDir = join(root, 'data');
    const videos = join(dataDir, 'videos');
    mkdirSync(join(videos, 'run-1', '.render-x'), { recursive: true });
    writeFileSync(join(videos, 'run-1', 'video.mp4'), 'rendered');
    writeFileSync(join(videos, 'run-1', '.render-x', 'part.mp4'), 'half');
    const server = await spawnServer(dataDir);
    expect((await createCardOverHttp(server, 'b', 'kept')).status).toBe(201);

    const name = join(tempDataDir(), 'liveline-backup');
    const backedUp = await runDocumented(backup, REPOSITORY, { DATA_DIR: dataDir, BACKUP: name });
    expect((await createCardOverHttp(server, 'b', 'after')).status).toBe(201);
    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    writeFileSync(join(videos, 'run-1', 'video.mp4'), 'overwritten');
    const restored = await runDocumented(restore, root, { BACKUP: name });
    const aside = /the replaced database is in (\S+)/.exec(restored.stdout)?.[1] ?? '';
    const again = await spawnServer(dataDir);

    expect(backedUp.stderr).toBe('');
    expect(readdirSync(`${name}.videos`, { recursive: true }).sort()).toEqual([
      'run-1',
      join('run-1', 'video.mp4'),
    ]);
    expect(restored.stderr).toBe('');
    expect(readFileSync(join(videos, 'run-1', 'video.mp4'), 'utf8')).toBe('rendered');
    expect(readdirSync(join(root, aside))).toContain('liveline.db');
    const { board } = await serverBoard(again.origin, 'b');
    expect(board?.cards.map((card) => card.title)).toEqual(['kept']);
  }, 60_000);
});
