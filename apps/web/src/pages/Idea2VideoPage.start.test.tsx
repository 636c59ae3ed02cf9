import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LivelineProvider } from '@liveline/ws-client/react';
import { liveline } from '../lib/liveline';
import { useRouterStore } from '../stores/routerStore';
import { withRealServer } from '../withRealServer';
import { Idea2VideoPage } from './Idea2VideoPage';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
// Apart from Idea2VideoPage.test.tsx because its server's coordinator counts tick once at start and
// then not for 100 s: nothing but the start itself can put the run in the list.
withRealServer({ stageDurationMs: 600_000, renderVideo: false, metricsRateHz: 0.01 });

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
});
