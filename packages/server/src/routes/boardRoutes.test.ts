import { DEFAULT_BOARD_ID } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  createCardOverHttp,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestClient,
  type TestMessage,
} from '../test-utils/index.js';

/** The message a client received right after the first one of `type`. */
const after = (client: TestClient, type: string): TestMessage | undefined =>
  client.messages[client.messages.findIndex((m) => m.type === type) + 1];

describe('the board route', () => {
  it('B0 the greeting echoes board_id, or says null without one, and that client is on the board default', async () => {
    const server = await startTestServer();
    const named = await rawRequest(server, '/ws/connect?board_id=team-7', { upgrade: true });
    expect(named.json).toMatchObject({ event: 'connected', data: { board_id: 'team-7' } });

    await createCardOverHttp(server, DEFAULT_BOARD_ID, 'on-default');
    const bare = await connectTestClient(wsOrigin(server, '/ws/connect'));
    expect(await bare.next((m) => m.event === 'connected')).toMatchObject({
      data: { board_id: null },
    });
    expect(dataOf(await bare.next('snapshot'))).toMatchObject({
      board_id: DEFAULT_BOARD_ID,
      cards: [expect.objectContaining({ title: 'on-default' })],
    });
  });

  it('B3 a client gets the presence as it is right after its snapshot, and right after its resumed', async () => {
    const server = await startTestServer();
    const path = '/ws/connect?board_id=b3-join';
    const first = await connectTestClient(wsOrigin(server, path));
    const alone = (m: TestMessage) => m.type === 'presence' && dataOf(m).count === 1;
    await first.next(alone);

    const second = await connectTestClient(wsOrigin(server, path));
    const snapshot = await second.next('snapshot');
    await second.next('presence');
    // The value already there (the first client alone), not the later one naming the joiner too.
    expect(after(second, 'snapshot')).toEqual(first.messages.find(alone));
    await first.next((m) => m.type === 'presence' && dataOf(m).count === 2);
    second.ws.close();
    await first.next(alone);

    const back = await connectTestClient(
      wsOrigin(server, `${path}&epoch=${String(snapshot.epoch)}&seq=${String(snapshot.seq)}`),
    );
    await back.next('resumed');
    await back.next('presence');
    expect(after(back, 'resumed')).toMatchObject({ type: 'presence', data: { count: 1 } });
  });
});
