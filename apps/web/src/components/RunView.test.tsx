import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { LivelineProvider } from '@liveline/ws-client/react';
import { createWorkflow, getWorkflow } from '../lib/api';
import { liveline } from '../lib/liveline';
import { withRealServer } from '../withRealServer';
import { RunView } from './RunView';

const HOUR_MS = 3_600_000;
/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
/** What the test skipped the server's clock ahead by. */
let skipped = 0;
withRealServer({
  stageDurationMs: 5,
  renderVideo: false,
  now: () => Date.now() + skipped,
  runRetentionMs: HOUR_MS,
  pruneIntervalMs: 5,
});

describe('RunView against a real server', () => {
  it('G3 a run on screen that retention deletes says it was deleted (not that it waits to start), and tells the lists', async () => {
    const onStatus = vi.fn();
    render(
      <LivelineProvider client={liveline()}>
        <RunView id="doomed" onStatus={onStatus} />
      </LivelineProvider>,
    );
    await screen.findByText('Waiting for run doomed to start…', {}, WAIT);
    await createWorkflow({ id: 'doomed', mode: 'idea', input: 'A kite. It flies. It lands.' });
    const run = await screen.findByRole('region', { name: 'Run' }, WAIT);
    await waitFor(() => expect(run).toHaveAttribute('data-status', 'completed'), WAIT);

    skipped += 2 * HOUR_MS;
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Run doomed was deleted: finished runs are kept for a limited time.',
    );
    expect(screen.queryByText(/Waiting for run/)).toBeNull();
    expect(onStatus).toHaveBeenLastCalledWith('deleted');
  });

  it('G5 a run view opened fresh on a run retention deleted before says it was deleted (the server answers 410), not that it waits to start', async () => {
    await createWorkflow({ id: 'gone', mode: 'idea', input: 'A boat. It sails. It sinks.' });
    await waitFor(async () => expect((await getWorkflow('gone')).status).toBe('completed'), WAIT);
    skipped += 2 * HOUR_MS;
    await waitFor(
      () => expect(getWorkflow('gone')).rejects.toMatchObject({ code: 'deleted' }),
      WAIT,
    );

    render(
      <LivelineProvider client={liveline()}>
        <RunView id="gone" onStatus={vi.fn()} />
      </LivelineProvider>,
    );

    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Run gone was deleted: finished runs are kept for a limited time.',
    );
    expect(screen.queryByText(/Waiting for run/)).toBeNull();
  });

  it('W6 a run whose render did not run says no video was kept', async () => {
    await createWorkflow({ id: 'silent', mode: 'idea', input: 'A bell. It rings. It stops.' });
    await waitFor(async () => expect((await getWorkflow('silent')).status).toBe('completed'), WAIT);
    render(
      <LivelineProvider client={liveline()}>
        <RunView id="silent" onStatus={vi.fn()} />
      </LivelineProvider>,
    );
    const stage = await screen.findByRole('region', { name: 'Stage Video' }, WAIT);
    await waitFor(
      () =>
        expect(stage).toHaveTextContent(
          "No video: this run's render did not run, so no video was kept.",
        ),
      WAIT,
    );
    expect(stage).toHaveAttribute('data-status', 'skipped');
  });
});
