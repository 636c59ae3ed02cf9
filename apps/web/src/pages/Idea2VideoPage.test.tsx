import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import { LivelineProvider } from '@liveline/ws-client/react';
import { cancelWorkflow, createWorkflow } from '../lib/api';
import { liveline } from '../lib/liveline';
import { reduceRunCounts } from '../lib/runCounts';
import { useRouterStore } from '../stores/routerStore';
import { withRealServer } from '../withRealServer';
import { Idea2VideoPage } from './Idea2VideoPage';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
// Stages that outlast the test, so the run changes status only when the test cancels it.
withRealServer({ stageDurationMs: 600_000, renderVideo: false, metricsRateHz: 20 });

afterEach(() => vi.restoreAllMocks());

describe('Idea2VideoPage against a real server', () => {
  it('one status change of the run on screen fetches the recent runs once, and the list shows it', async () => {
    const fetches = vi.spyOn(globalThis, 'fetch');
    const listFetches = () =>
      fetches.mock.calls.filter(([url]) => url instanceof URL && url.pathname === '/api/workflows')
        .length;
    // The page's own coordinator channel: the test hears every run count the page hears.
    const counts: string[] = [];
    const off = liveline()
      .channel('coordinator')
      .onMessage((message) => counts.push(reduceRunCounts('', message)));
    /** Waits until the page has heard `n` more metrics, so it has acted on the ones before. */
    const metricsPass = async (n: number) => {
      const start = counts.length;
      await vi.waitFor(() => expect(counts.length).toBeGreaterThanOrEqual(start + n), WAIT);
    };
    useRouterStore.getState().navigate('/idea2video?run=run-slow');
    render(
      <LivelineProvider client={liveline()}>
        <Idea2VideoPage />
      </LivelineProvider>,
    );
    await createWorkflow({ id: 'run-slow', mode: 'idea', input: 'A kite.', title: 'Slow kite' });
    const recent = within(screen.getByRole('region', { name: 'Recent runs' }));
    const link = await recent.findByRole('link', { name: /Slow kite/ }, WAIT);
    await waitFor(() => expect(link).toHaveTextContent('running'), WAIT);
    await vi.waitFor(() => expect(counts.at(-1)).toMatch(/active=1/), WAIT);
    await metricsPass(2);
    const before = listFetches();

    await cancelWorkflow('run-slow');
    await vi.waitFor(() => expect(counts.at(-1)).toMatch(/cancelled=1/), WAIT);
    await metricsPass(2);
    await waitFor(() => expect(link).toHaveTextContent('cancelled'), WAIT);
    expect(listFetches() - before).toBe(1);
    off();
  });
});
