import { CloseCode } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { BROKER_UNAVAILABLE_REASON } from '../routes/joinRooms.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';
import { redisUserWithoutChannels } from '../test-utils/redisUserWithoutChannels.js';

const engines = useClusterEngines('no_channels');

describe('a Redis user without rights on the channels', () => {
  it("S2 a board join on a node whose Redis user may not subscribe to the room's channel (NOPERM) is closed 1013 naming the broker as soon as Redis refuses, not at the confirmation deadline, and the node stays healthy", async () => {
    const { databaseUrl } = await engines.freshCluster();
    const user = await redisUserWithoutChannels(engines.redis);
    const node = await startTestServer({ databaseUrl, redisUrl: user.url, nodeId: 'node-a' });
    const started = performance.now();
    const joining = await connectTestClient(wsOrigin(node, '/ws/connect?board_id=refused'));
    expect(await joining.closed).toMatchObject({
      code: CloseCode.TryAgainLater,
      reason: BROKER_UNAVAILABLE_REASON,
    });
    // The broker waits 3 s for a confirmation that never comes before it gives a join up.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await rawRequest(node, '/health')).json).toMatchObject({
      status: 'healthy',
      broker: 'connected',
    });
  });
});
