import { describe, expect, it, vi } from 'vitest';
import { connectWsClient } from '../reliability/connectWsClient.js';
import { startTestServer } from '../test-utils/index.js';
import { mintToken } from './mintToken.js';

const SECRET = 'client-tokens-test-secret-32-bytes!!';
const token = (scope: string, ttlSeconds: number) =>
  mintToken(SECRET, { sub: 'reader', scope, ttlSeconds });
/**
 * A token that expires in 1–2 s (`exp` has whole seconds): long enough for a loaded machine to
 * connect with it, short enough for a test.
 */
const expiringSoon = (scope: string) => token(scope, 2);

/** The clock route of a client with `getToken`, held until the client stops; its sockets and final state. */
const untilStopped = async (
  origin: string,
  getToken: () => Promise<string | null>,
  socket: { origin?: string } = {},
) => {
  const { client, opened } = connectWsClient(origin, { getToken }, socket);
  const clock = client.channel('clock');
  clock.subscribe(() => {});
  await vi.waitFor(() => expect(clock.getState().status).toBe('closed'), { timeout: 6000 });
  return { opened, state: clock.getState() };
};

describe('@liveline/ws-client getToken against the real server (rule A10)', () => {
  it('A10 A8 a token that expires mid-connection: 4401, getToken gives a new one, the board resumes with no gap and no duplicate', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const writeToken = await token('board:b1:write', 60);
    const writer = connectWsClient(server.origin, { getToken: () => writeToken }).client;
    const board = writer.channel('board', { query: { board_id: 'b1' } });
    let written = 0;
    const write = async (n: number) => {
      for (const end = written + n; written < end; written++)
        await board.request({
          type: 'card.create',
          op_id: `op-${written}`,
          column_id: 'backlog',
          title: `card ${written}`,
        });
    };
    // The second token comes only after two cards were written while the reader was away.
    const getToken = vi
      .fn<() => Promise<string>>()
      .mockImplementationOnce(() => expiringSoon('board:b1:read'))
      .mockImplementation(async () => {
        await write(2);
        return token('board:b1:read', 60);
      });
    const channel = connectWsClient(server.origin, { getToken }).client.channel('board', {
      query: { board_id: 'b1' },
    });
    const seqs: number[] = [];
    const firsts: string[] = [];
    let start: number | null = null;
    let replayed = -1;
    channel.onMessage((m) => {
      if (!('type' in m)) return;
      if (m.type === 'snapshot' || m.type === 'resumed') firsts.push(m.type);
      if (m.type === 'snapshot') start ??= m.seq;
      else if (m.type === 'resumed') replayed = m.data.replayed;
      else if ('seq' in m) seqs.push(m.seq);
    });
    await vi.waitFor(() => expect(start).not.toBeNull());
    await write(3);
    await vi.waitFor(() => expect(replayed).toBe(2), { timeout: 6000 });
    await write(3);
    await vi.waitFor(() => expect(seqs).toHaveLength(8));
    expect(channel.getState().lastClose).toEqual({ code: 4401, reason: 'token expired' });
    expect(firsts).toEqual(['snapshot', 'resumed']);
    expect(seqs).toEqual(seqs.map((_, k) => (start ?? 0) + k + 1));
  });

  it('A10 getToken returning null after the expiry stops the socket with "signed out" and no reconnect', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const getToken = vi
      .fn<() => Promise<string | null>>()
      .mockImplementationOnce(() => expiringSoon('transport:*:read'))
      .mockResolvedValue(null);
    const { opened, state } = await untilStopped(server.origin, getToken);
    expect(state).toMatchObject({
      lastClose: { code: 4401, reason: 'signed out' },
      error: { code: 'signed_out' },
    });
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(opened).toHaveLength(1);
  });

  it.each([
    ['a browser (it sends an Origin)', { origin: 'self' }],
    ['a Node client (no Origin)', {}],
  ])(
    'A10 A7 two 4401s in a row without a socket heard from (%s refused at the handshake) stop the loop',
    async (_, socket) => {
      const server = await startTestServer({ authSecret: SECRET });
      const getToken = vi
        .fn<() => Promise<string>>()
        .mockImplementationOnce(() => expiringSoon('transport:*:read'))
        .mockImplementation(() => token('transport:*:read', -300));
      // Offering liveline.v1, with or without an Origin, makes the server accept, then close with 4401.
      const { opened, state } = await untilStopped(
        server.origin,
        getToken,
        'origin' in socket ? { origin: server.origin } : {},
      );
      expect(state).toMatchObject({
        lastClose: { code: 4401, reason: 'token expired' },
        error: { code: 'signed_out' },
      });
      expect(getToken).toHaveBeenCalledTimes(2);
      expect(opened).toHaveLength(2);
    },
  );
});
