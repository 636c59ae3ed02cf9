import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { LivelineProvider } from '@liveline/ws-client/react';
import { PipelineStatus } from '../components/PipelineStatus';
import { AgentMonitorPage } from '../pages/AgentMonitorPage';
import { withRealServer } from '../withRealServer';
import { liveline } from './liveline';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
// A fresh server: no stage has finished, so its latency has no sample.
withRealServer({ metricsRateHz: 20 });

describe('stage latency before any sample, against a fresh server', () => {
  it('the pipeline line shows "—" for the stage p50, not 0.0 s', async () => {
    render(
      <LivelineProvider client={liveline()}>
        <PipelineStatus />
      </LivelineProvider>,
    );
    const line = await screen.findByLabelText('Pipeline status', {}, WAIT);
    expect(line).toHaveTextContent(/stage p50 —$/);
  });

  it('the Agent Monitor shows "—" for the stage p50 and p95, not 0 ms', async () => {
    render(
      <LivelineProvider client={liveline()}>
        <AgentMonitorPage />
      </LivelineProvider>,
    );
    const metrics = screen.getByRole('region', { name: 'Coordinator metrics' });
    const p50 = await within(metrics).findByText('Stage p50', {}, WAIT);
    expect(p50.nextElementSibling).toHaveTextContent(/^—$/);
    expect(within(metrics).getByText('Stage p95').nextElementSibling).toHaveTextContent(/^—$/);
  });
});
