import { describe, expect, it, vi } from 'vitest';
import type { Channel, ConnectionEntry } from '@liveline/ws-client';
import { liveConnections } from './routeConnection';

const reconnect = vi.fn();
const entry = (url: string, over: Partial<ConnectionEntry> = {}): ConnectionEntry => ({
  route: 'agent',
  url,
  state: { status: 'open', attempt: 0, queued: 0, lastClose: null },
  channel: { reconnect } as unknown as Channel<'agent'>,
  clock: { anchor: null, rttMs: 12, offsetMs: -3 },
  ...over,
});

describe('liveConnections', () => {
  it('lists the routes in use with their RTT and offset, and retries through the channel', () => {
    const agent = entry('ws://h/ws/agent/voice_music');
    const idle = entry('ws://h/ws/coordinator', {
      route: 'coordinator',
      state: { status: 'idle', attempt: 0, queued: 0, lastClose: null },
    });
    const [row, ...rest] = liveConnections({ [agent.url]: agent, [idle.url]: idle });
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      key: '/ws/agent/voice_music',
      label: 'Agent voice music',
      rttMs: 12,
      clockOffsetMs: -3,
    });
    row?.retry();
    expect(reconnect).toHaveBeenCalledOnce();
  });
});
