import { createServer, type AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LivelineProvider } from '@liveline/ws-client/react';
import { App } from './App';
import { createWorkflow } from './lib/api';
import { liveline } from './lib/liveline';
import { setServerOrigin } from './lib/serverOrigin';
import { useRouterStore } from './stores/routerStore';
import { useUiStore } from './stores/uiStore';
import { withRealServer } from './withRealServer';

const server = withRealServer({ stageDurationMs: 50 });
// The store outlives a test, and an open drawer takes the focus at mount.
beforeEach(() => useUiStore.setState({ diagnosticsOpen: false }));

const renderApp = () =>
  render(
    <LivelineProvider client={liveline()}>
      <App />
    </LivelineProvider>,
  );
const overall = () => screen.getByRole('status', { name: 'All connections connection' });

/** An origin nothing listens on: a port the kernel gave out, then closed. */
async function refusingOrigin(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return `http://127.0.0.1:${port}`;
}

describe('App against a real server', () => {
  it('turns every Agent Monitor indicator green and lists them in Diagnostics', async () => {
    useRouterStore.getState().navigate('/agents');
    renderApp();
    await screen.findByRole('status', { name: 'Agent editor connection' });
    await waitFor(() => expect(overall()).toHaveTextContent('Connected'), { timeout: 10_000 });
    await userEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    const panel = within(screen.getByRole('region', { name: 'Diagnostics' }));
    expect(panel.getByRole('row', { name: 'Route /ws/coordinator' })).toBeInTheDocument();
    const editor = within(panel.getByRole('row', { name: 'Route /ws/agent/editor' }));
    await waitFor(() => expect(editor.getAllByText(/^-?\d+ ms$/)).toHaveLength(2));
  });

  it('shows a missing agent as stopped with the reason', async () => {
    useRouterStore.getState().navigate('/agents?agent=nope');
    renderApp();
    const [agent] = await screen.findAllByRole('status', { name: 'Agent nope connection' });
    // The server's own reason, not only what 4404 means.
    const reason = /Stopped: agent "nope" does not exist/;
    await waitFor(() => expect(agent).toHaveTextContent(reason), { timeout: 10_000 });
    const card = screen.getByRole('article', { name: 'Agent nope' });
    expect(within(card).getByRole('alert')).toHaveTextContent(reason);
    expect(within(card).queryByText('No status yet.')).toBeNull();
  });

  it("a keyboard user's first Tab is a link that skips the header's links to the page's content", async () => {
    useRouterStore.getState().navigate('/board');
    renderApp();
    await userEvent.tab();
    const skip = screen.getByRole('link', { name: 'Skip to content' });
    expect(skip).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByRole('main')).toHaveFocus();
    expect(useRouterStore.getState().path).toBe('/board');
  });

  it('a run whose start fails says why and leaves the page where it was, not waiting for a run that never starts', async () => {
    useRouterStore.getState().navigate('/idea2video');
    renderApp();
    setServerOrigin(await refusingOrigin());
    try {
      await userEvent.type(
        screen.getByLabelText('Idea'),
        'A keeper finds a bottle from her future',
      );
      await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
      const form = screen.getByRole('form', { name: 'Start a run' });
      expect(await within(form).findByRole('alert')).toHaveTextContent(
        'The server could not be reached.',
      );
      expect(useRouterStore.getState().query.get('run')).toBeNull();
      expect(screen.queryByText(/Waiting for run|Loading run/)).toBeNull();
      expect(
        screen.getByText('Start a run, or pick one from the recent runs.'),
      ).toBeInTheDocument();
    } finally {
      setServerOrigin(server().origin);
    }
  });

  it('the recent runs list shows a run started in another tab and follows it to completed', async () => {
    useRouterStore.getState().navigate('/idea2video');
    renderApp();
    const recent = within(await screen.findByRole('region', { name: 'Recent runs' }));
    await waitFor(() => expect(overall()).toHaveTextContent('Connected'), { timeout: 10_000 });
    await createWorkflow({ mode: 'idea', input: 'A run from another tab', title: 'Elsewhere' });
    const link = await recent.findByRole('link', { name: /Elsewhere/ }, { timeout: 10_000 });
    await waitFor(() => expect(link).toHaveTextContent('completed'), { timeout: 10_000 });
  });
});
