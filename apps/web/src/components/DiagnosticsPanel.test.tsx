import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeConnection } from '../testUtils';
import { DiagnosticsPanel } from './DiagnosticsPanel';

const connections = [
  fakeConnection({ key: '/ws/transport', label: 'Transport', rttMs: 12.4, clockOffsetMs: -3.2 }),
  fakeConnection({
    key: '/ws/agent/nope',
    label: 'Agent nope',
    phase: 'closed',
    attempt: 1,
    lastClose: { code: 4404, reason: 'no agent named nope' },
    queued: 2,
    lastError: 'invalid_message: expected a string',
  }),
];

describe('DiagnosticsPanel', () => {
  it('lists every live route with state, attempts, close, queue, RTT, offset and last error', () => {
    render(<DiagnosticsPanel connections={connections} />);
    const transport = within(screen.getByRole('row', { name: 'Route /ws/transport' }));
    expect(transport.getByText('12 ms')).toBeInTheDocument();
    expect(transport.getByText('-3 ms')).toBeInTheDocument();
    expect(transport.getByRole('status')).toHaveTextContent('Connected');
    const agent = within(screen.getByRole('row', { name: 'Route /ws/agent/nope' }));
    expect(agent.getByRole('cell', { name: '4404 no agent named nope' })).toBeInTheDocument();
    expect(agent.getByRole('status')).toHaveTextContent('2 changes waiting to send');
    expect(
      agent.getByRole('cell', { name: 'invalid_message: expected a string' }),
    ).toBeInTheDocument();
  });

  it('copies a report naming every route', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    render(<DiagnosticsPanel connections={connections} />);
    await user.click(screen.getByRole('button', { name: 'Copy report' }));
    expect(await screen.findByText('Report copied to the clipboard.')).toBeInTheDocument();
    const report = writeText.mock.calls[0]?.[0] ?? '';
    expect(report).toContain('/ws/transport: open, attempt 0');
    expect(report).toContain(
      '/ws/agent/nope: closed, attempt 1, last close 4404 no agent named nope (stop), queued 2',
    );
    expect(report).toContain('clock offset n/a, last error invalid_message: expected a string');
    expect(report).toContain('clock offset -3 ms, last error none');
  });

  it('says so when the page has no live routes', () => {
    render(<DiagnosticsPanel connections={[]} />);
    expect(screen.getByText('No live routes on this page.')).toBeInTheDocument();
  });
});
