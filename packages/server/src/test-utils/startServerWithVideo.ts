import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LivelineServer, LivelineServerOptions } from '../index.js';
import { videoDir, videoPath } from '../domains/workflow/render/videoFiles.js';
import type { Stage } from '../domains/workflow/Stage.js';
import { rawRequest, startTestServer, tempDataDir } from './index.js';
import { waitForStatus } from './workflows.js';

/**
 * A server with one completed run, `v`, whose render stage ran `place(file)` to put its video at
 * the run's path (under `videosDir`) instead of encoding one.
 */
export async function startServerWithVideo(
  place: (file: string) => void,
  options: LivelineServerOptions = {},
): Promise<{ server: LivelineServer; videosDir: string }> {
  const videosDir = join(tempDataDir(), 'videos');
  const render: Stage = {
    run: (input) => {
      mkdirSync(videoDir(videosDir, input.id), { recursive: true });
      place(videoPath(videosDir, input.id));
      const format = { width: 2, height: 2, fps: 1, bytes: 0, duration_seconds: 1 };
      return Promise.resolve({ kind: 'video', url: '', mime_type: 'video/mp4', ...format });
    },
  };
  const server = await startTestServer({ ...options, videosDir, stages: { render } });
  await rawRequest(server, '/api/workflows', { body: { id: 'v', mode: 'idea', input: 'Rain.' } });
  await waitForStatus(server, 'v', 'completed');
  return { server, videosDir };
}
