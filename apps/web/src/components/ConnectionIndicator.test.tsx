import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeConnection } from '../testUtils';
import { ConnectionIndicator } from './ConnectionIndicator';

const status = () => screen.getByRole('status', { name: 'Coordinator connection' });

describe('ConnectionIndicator', () => {
  it('says Connected only when open', () => {
    render(<ConnectionIndicator connection={fakeConnection({ phase: 'open' })} />);
    expect(status()).toHaveTextContent('🟢CoordinatorConnected');
    expect(screen.queryByRole('button')).toBeNull();
  });

  it.each(['idle', 'connecting'] as const)('shows %s as connecting, never connected', (phase) => {
    render(<ConnectionIndicator connection={fakeConnection({ phase })} />);
    expect(status()).toHaveTextContent('🟡');
    expect(status()).toHaveTextContent('Connecting…');
    expect(status()).not.toHaveTextContent('Connected');
  });

  it('counts down the reconnect and retries now on click', async () => {
    const connection = fakeConnection({
      phase: 'reconnecting',
      attempt: 3,
      nextRetryAt: Date.now() + 4200,
    });
    render(<ConnectionIndicator connection={connection} />);
    expect(status()).toHaveTextContent('🟠');
    expect(status()).toHaveTextContent('Reconnecting in 5 s (attempt 3)');
    await userEvent.click(screen.getByRole('button', { name: 'Retry Coordinator now' }));
    expect(connection.retry).toHaveBeenCalledOnce();
    expect(screen.getByRole('button')).toHaveTextContent('Retry now');
  });

  it('shows offline as waiting for the network', () => {
    render(<ConnectionIndicator connection={fakeConnection({ phase: 'offline' })} />);
    expect(status()).toHaveTextContent('⚪');
    expect(status()).toHaveTextContent('Offline: waiting for the network');
  });

  it('shows the server reason when stopped', () => {
    const lastClose = { code: 4404, reason: 'this workflow does not exist' };
    render(<ConnectionIndicator connection={fakeConnection({ phase: 'closed', lastClose })} />);
    expect(status()).toHaveTextContent('🔴');
    expect(status()).toHaveTextContent('Stopped: this workflow does not exist');
    expect(screen.getByRole('button', { name: 'Retry Coordinator now' })).toHaveTextContent(
      'Reconnect',
    );
  });

  it('falls back to the close code meaning when the reason is empty', () => {
    render(
      <ConnectionIndicator
        connection={fakeConnection({ phase: 'closed', lastClose: { code: 4403, reason: '' } })}
      />,
    );
    expect(status()).toHaveTextContent('Stopped: forbidden');
  });

  it('says how many changes wait to send', () => {
    const { rerender } = render(
      <ConnectionIndicator connection={fakeConnection({ phase: 'offline', queued: 2 })} />,
    );
    expect(status()).toHaveTextContent('2 changes waiting to send');
    rerender(
      <ConnectionIndicator connection={fakeConnection({ phase: 'reconnecting', queued: 1 })} />,
    );
    expect(status()).toHaveTextContent('1 change waiting to send');
  });
});
