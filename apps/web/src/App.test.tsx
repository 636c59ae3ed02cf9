import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { startServer, type LivelineServer } from '@liveline/server';
import { LivelineProvider } from '@liveline/ws-client/react';
import { App } from './App';
import { liveline } from './lib/liveline';
import { setServerOrigin } from './lib/serverOrigin';
import { useRouterStore } from './stores/routerStore';

let server: LivelineServer;
const dataDir = mkdtempSync(join(tmpdir(), 'liveline-web-'));

beforeAll(async () => {
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    stageDurationMs: 50,
  });
  setServerOrigin(server.origin);
});

afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const renderApp = () =>
  render(
    <LivelineProvider client={liveline()}>
      <App />
    </LivelineProvider>,
  );
const overall = () => screen.getByRole('status', { name: 'All connections connection' });

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
    await waitFor(() => expect(agent).toHaveTextContent(/Stopped: \S+/), { timeout: 10_000 });
    const card = screen.getByRole('article', { name: 'Agent nope' });
    expect(within(card).getByRole('alert')).toHaveTextContent(/^Stopped: \S+/);
    expect(within(card).queryByText('No status yet.')).toBeNull();
  });
});
