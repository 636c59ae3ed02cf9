import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { routePath } from '@liveline/protocol';
import type { Stage } from '@liveline/server';
import { LivelineProvider } from '@liveline/ws-client/react';
import { createWorkflow, getWorkflow } from '../lib/api';
import { liveline } from '../lib/liveline';
import { withRealServer } from '../withRealServer';
import { RunView } from './RunView';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
const videosDir = mkdtempSync(join(tmpdir(), 'liveline-web-videos-'));
afterAll(() => rmSync(videosDir, { recursive: true, force: true }));
/** Where the server reads a run's video (PROTOCOL.md W6: its own directory under VIDEOS_DIR). */
const videoFile = (id: string) => join(videosDir, id, 'video.mp4');
/** A render that puts a file where the video goes instead of encoding one. */
const placedVideo: Stage = {
  run: (input) => {
    mkdirSync(join(videosDir, input.id), { recursive: true });
    writeFileSync(videoFile(input.id), 'not really an mp4');
    const format = { width: 2, height: 2, fps: 1, bytes: 17, duration_seconds: 1 };
    return Promise.resolve({
      kind: 'video',
      url: routePath('workflowVideo', { id: input.id }),
      mime_type: 'video/mp4',
      ...format,
    });
  },
};
withRealServer({ stageDurationMs: 5, videosDir, stages: { render: placedVideo } });

/** Starts run `id`, waits for it to complete and shows it as the page does, without a token. */
async function showRun(id: string) {
  await createWorkflow({ id, mode: 'idea', input: 'A lamp. It flickers. It goes out.' });
  await waitFor(async () => expect((await getWorkflow(id)).status).toBe('completed'), WAIT);
  return id;
}

const renderRun = (id: string) =>
  render(
    <LivelineProvider client={liveline()}>
      <RunView id={id} onStatus={vi.fn()} />
    </LivelineProvider>,
  );

describe('a run’s video against a real server, without a token', () => {
  it('W6 a run whose video file is missing, viewed without a token, says there is no video and the server’s answer instead of showing a player that cannot play; a run whose file is there gets the player', async () => {
    const shown = renderRun(await showRun('kept'));
    const kept = await screen.findByRole('figure', { name: 'Video' }, WAIT);
    await waitFor(() => expect(kept.querySelector('video')).not.toBeNull(), WAIT);

    shown.unmount();

    rmSync(videoFile(await showRun('lost')));
    renderRun('lost');
    const lost = await screen.findByRole('figure', { name: 'Video' }, WAIT);
    await waitFor(() => expect(lost).toHaveTextContent('No video: the server answered 410'), WAIT);
    expect(lost.querySelector('video')).toBeNull();
  });
});
