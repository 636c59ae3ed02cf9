import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeEnvironment } from '../test-utils/fakeEnvironment.js';
import { createClient } from './createClient.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const setup = (measureClock = true) => {
  const fake = createFakeEnvironment(() => 0);
  const client = createClient({ origin: 'http://h:1', environment: fake.env, measureClock });
  const listed = () => Object.keys(client.connections.getState());
  return { ...fake, client, listed };
};
const op = { type: 'card.delete', op_id: 'o1', card_id: 'c' } as const;

describe('client', () => {
  it('evicts a channel nobody holds: the next channel() is a new one and diagnostics drop it', async () => {
    const { client, listed } = setup();
    const first = client.channel('coordinator');
    const off = first.subscribe(() => {});
    expect(listed()).toEqual(['ws://h:1/ws/coordinator']);
    off();
    await Promise.resolve();
    expect(listed()).toEqual([]);
    const second = client.channel('coordinator');
    expect(second).not.toBe(first);
    expect(client.clockSync(second)).not.toBe(client.clockSync(first));
  });

  it('lists an evicted channel again when it is held again through a kept reference', async () => {
    const { client, listed, latest } = setup();
    const board = client.channel('board');
    board.subscribe(() => {})();
    await Promise.resolve();
    board.subscribe(() => {});
    expect(client.channel('board')).toBe(board);
    latest().serve();
    expect(listed()).toEqual(['ws://h:1/ws/connect']);
    expect(client.connections.getState()[board.url]?.state.status).toBe('open');
  });

  it('never lets a kept evicted channel replace the newer one listed for its URL', async () => {
    const { client } = setup();
    const stale = client.channel('coordinator');
    stale.subscribe(() => {})();
    await Promise.resolve();
    const current = client.channel('coordinator');
    current.subscribe(() => {});
    stale.subscribe(() => {})();
    await Promise.resolve();
    expect(client.channel('coordinator')).toBe(current);
    expect(client.connections.getState()[current.url]?.channel).toBe(current);
  });

  it('B2 keeps a released channel whose outbox holds an operation, and delivers it when held again', async () => {
    const { client, latest } = setup(false);
    const board = client.channel('board');
    const off = board.subscribe(() => {});
    board.send(op);
    off();
    await Promise.resolve();
    expect(client.channel('board')).toBe(board);
    const offAgain = board.subscribe(() => {});
    latest().serve();
    expect(latest().messages()).toEqual([op]);
    latest().receive({ type: 'ack', data: { op_id: 'o1', seq: 1 } });
    offAgain();
    await Promise.resolve();
    expect(client.channel('board')).not.toBe(board);
  });
});
