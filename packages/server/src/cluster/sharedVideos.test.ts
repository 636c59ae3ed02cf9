import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { videoDir, videoPath } from '../domains/workflow/render/videoFiles.js';
import { createLogger } from '../log/createLogger.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { rawRequest, startTestServer, tempDataDir } from '../test-utils/index.js';
import { waitForStatus } from '../test-utils/workflows.js';

const engines = useClusterEngines('shared_videos');

const HOUR_MS = 3_600_000;

describe('cluster nodes on one shared videos directory (VIDEOS_DIR)', () => {
  it(
    'W6 G3 a video rendered on node A is served by node B, and B’s retention deletes it for both',
    { timeout: 90_000 },
    async () => {
      const videosDir = join(tempDataDir(), 'videos');
      const clock = createTestClock();
      const shared = {
        ...(await engines.freshCluster()),
        videosDir,
        now: clock.now,
        runRetentionMs: HOUR_MS,
      };
      // A renders and never prunes; B renders nothing and prunes every 5 ms.
      const a = await startTestServer({
        ...shared,
        nodeId: 'node-a',
        renderVideo: true,
        pruneIntervalMs: 24 * HOUR_MS,
      });
      const b = await startTestServer({ ...shared, nodeId: 'node-b', pruneIntervalMs: 5 });
      const body = { id: 'v', mode: 'idea', input: 'Rain.' };
      await rawRequest(a, '/api/workflows', { body });
      await waitForStatus(b, 'v', 'completed', 60_000);

      const served = await fetch(`${b.origin}/api/workflows/v/video`);
      expect([served.status, served.headers.get('content-type')]).toEqual([200, 'video/mp4']);
      const bytes = Buffer.from(await served.arrayBuffer());
      expect(bytes.equals(readFileSync(videoPath(videosDir, 'v')))).toBe(true);
      clock.skip(2 * HOUR_MS);
      await vi.waitFor(() => expect(existsSync(videoDir(videosDir, 'v'))).toBe(false), ACROSS);
      expect((await rawRequest(a, '/api/workflows/v/video')).status).toBe(410);
    },
  );

  it('W6 a cluster node started without VIDEOS_DIR warns once that only it serves and deletes its videos; one given it does not', async () => {
    const cluster = await engines.freshCluster();
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    const warned = () => lines.filter((line) => line.includes('server.videos_dir_local'));
    await (await startTestServer({ ...cluster, logger })).stop();
    expect(warned()).toHaveLength(1);
    expect(warned()[0]).toContain('VIDEOS_DIR is not set');

    lines.length = 0;
    const videosDir = join(tempDataDir(), 'videos');
    await (await startTestServer({ ...cluster, logger, videosDir })).stop();
    expect(warned()).toEqual([]);
  });

  it('W5 a node starting on a shared videos directory removes only its own render working directories, never another node’s or a video', async () => {
    const videosDir = join(tempDataDir(), 'videos');
    const run = videoDir(videosDir, 'r');
    for (const work of ['.render-node-a@1', '.render-node-a-b@2', '.render-node-b@3'])
      mkdirSync(join(run, work), { recursive: true });
    writeFileSync(videoPath(videosDir, 'r'), 'kept');

    const cluster = await engines.freshCluster();
    await startTestServer({ ...cluster, videosDir, nodeId: 'node-a', renderVideo: true });

    expect(readdirSync(run).sort()).toEqual([
      '.render-node-a-b@2',
      '.render-node-b@3',
      'video.mp4',
    ]);
  });
});
