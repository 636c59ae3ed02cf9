import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LivelineProvider } from '@liveline/ws-client/react';
import { listWorkflows } from '../lib/api';
import { liveline } from '../lib/liveline';
import { useRouterStore } from '../stores/routerStore';
import { withRealServer } from '../withRealServer';
import { Idea2VideoPage } from './Idea2VideoPage';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
// Apart from Idea2VideoPage.test.tsx because its server's coordinator counts tick once at start and
// then not for 100 s: nothing but the start itself can put the run in the list.
withRealServer({ stageDurationMs: 600_000, renderVideo: false, metricsRateHz: 0.01 });
const realFetch = globalThis.fetch;
afterEach(() => vi.restoreAllMocks());

describe('Idea2VideoPage against a real server: starting a run', () => {
  it('a run started in this tab is in the recent runs list once the server answers the start, without another fetch of the list', async () => {
    const fetches = vi.spyOn(globalThis, 'fetch');
    const listFetches = () =>
      fetches.mock.results.filter((_, i) => {
        const [url, init] = fetches.mock.calls[i] ?? [];
        return (url as URL).pathname === '/api/workflows' && init?.method === 'GET';
      });
    let heard = false;
    const off = liveline()
      .channel('coordinator')
      .onMessage(() => (heard = true));
    useRouterStore.getState().navigate('/idea2video');
    render(
      <LivelineProvider client={liveline()}>
        <Idea2VideoPage />
      </LivelineProvider>,
    );
    // The page's fetches at mount and on the first counts have answered.
    await vi.waitFor(() => expect(heard).toBe(true), WAIT);
    await vi.waitFor(() => expect(listFetches()).toHaveLength(2), WAIT);
    await Promise.all(listFetches().map((result) => result.value as Promise<Response>));
    const recent = within(screen.getByRole('region', { name: 'Recent runs' }));
    await recent.findByText('No runs yet.', {}, WAIT);

    await userEvent.type(screen.getByLabelText('Title (optional)'), 'Paper kite');
    await userEvent.type(screen.getByLabelText('Idea'), 'A paper kite crosses the sea.');
    await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
    await screen.findByRole('button', { name: 'Start run' }, WAIT);

    expect(recent.getByRole('link', { name: /Paper kite/ })).toHaveAttribute(
      'aria-current',
      'true',
    );
    expect(listFetches()).toHaveLength(2);
    off();
  });

  it('W1 a start whose answer is lost after the server stored the run opens that run: the start is sent again under the same id, whose 409 says it is stored, and no second run starts', async () => {
    useRouterStore.getState().navigate('/idea2video');
    render(
      <LivelineProvider client={liveline()}>
        <Idea2VideoPage />
      </LivelineProvider>,
    );
    const before = await listWorkflows();
    let lost = false;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      if (lost || init?.method !== 'POST' || (input as URL).pathname !== '/api/workflows')
        return response;
      // An injected failure: the server stored the run, and its answer never reaches the page.
      lost = true;
      throw new TypeError('fetch failed');
    });

    await userEvent.type(screen.getByLabelText('Idea'), 'A letter crosses the sea.');
    await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Idea')).toHaveValue(''), WAIT);

    const id = useRouterStore.getState().query.get('run');
    const after = await listWorkflows();
    expect(lost).toBe(true);
    expect(after.map((w) => w.id)).toEqual([id, ...before.map((w) => w.id)]);
  });
});
