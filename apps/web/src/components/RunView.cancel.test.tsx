import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LivelineProvider } from '@liveline/ws-client/react';
import { createWorkflow, getWorkflow } from '../lib/api';
import { liveline } from '../lib/liveline';
import { withRealServer } from '../withRealServer';
import { RunView } from './RunView';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
// Stages that outlast the test, and an agent for each run: a run is running when asked to cancel.
withRealServer({ stageDurationMs: 600_000, renderVideo: false, agentCapacity: 2 });

const showRun = async (id: string) => {
  await createWorkflow({ id, mode: 'idea', input: 'A kite. It flies. It lands.' });
  render(
    <LivelineProvider client={liveline()}>
      <RunView id={id} onStatus={() => {}} />
    </LivelineProvider>,
  );
  const run = await screen.findByRole('region', { name: 'Run' }, WAIT);
  await waitFor(() => expect(run).toHaveAttribute('data-status', 'running'), WAIT);
  return run;
};

describe('RunView: cancelling a run', () => {
  it('Cancel run asks first; Keep running (focused) and Escape leave the run running, the focus back on Cancel run', async () => {
    const run = await showRun('kept');
    const cancelRun = () => within(run).getByRole('button', { name: 'Cancel run' });
    await userEvent.click(cancelRun());
    const question = within(run).getByRole('group', { name: 'Cancel this run?' });
    expect(within(question).getByRole('button', { name: 'Keep running' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(cancelRun()).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard('{Escape}');
    expect(within(run).queryByRole('group', { name: 'Cancel this run?' })).toBeNull();
    expect(cancelRun()).toHaveFocus();
    expect((await getWorkflow('kept')).status).toBe('running');
  });

  it('Yes, cancel cancels the run on the server and the view shows it', async () => {
    const run = await showRun('dropped');
    await userEvent.click(within(run).getByRole('button', { name: 'Cancel run' }));
    await userEvent.click(within(run).getByRole('button', { name: 'Yes, cancel' }));
    await waitFor(() => expect(run).toHaveAttribute('data-status', 'cancelled'), WAIT);
    expect((await getWorkflow('dropped')).status).toBe('cancelled');
  });
});
