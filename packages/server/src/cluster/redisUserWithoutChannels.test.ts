import { CloseCode } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { BROKER_UNAVAILABLE_REASON } from '../routes/joinRooms.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';
import { connectRedisAdmin } from '../test-utils/redisAdmin.js';
import { redisUserWithoutChannels } from '../test-utils/redisUserWithoutChannels.js';

const engines = useClusterEngines('no_channels');

/** A cluster node on a fresh deployment whose Redis user has no channel rights, and its broker log. */
const nodeWithoutChannels = async () => {
  const { databaseUrl } = await engines.freshCluster();
  const user = await redisUserWithoutChannels(engines.redis);
  const logged: { event: string; cause?: string }[] = [];
  const node = await startTestServer({
    databaseUrl,
    redisUrl: user.url,
    nodeId: 'node-a',
    // A confirmation that never comes would keep a join waiting an hour: a join closed comes from
    // Redis's refusal, not from this deadline.
    subscribeConfirmMs: 3_600_000,
    logger: createLogger('info', (line) => logged.push(JSON.parse(line) as { event: string })),
  });
  const brokerLog = () =>
    logged
      .filter(({ event }) => event.startsWith('broker.'))
      .map(({ event, cause }) => ({ event, cause }));
  return { node, user, brokerLog };
};

describe('a Redis user without rights on the channels', () => {
  it("S2 a node whose Redis user may not use the channels (NOPERM) is degraded from its start with Redis's refusal, a board join is closed 1013 naming the broker as soon as Redis refuses, and once the rights are granted the next join is served and the node is healthy again, each logged once", async () => {
    const { node, user, brokerLog } = await nodeWithoutChannels();
    // The transport anchor's SUBSCRIBE, sent as the node starts, is refused.
    await vi.waitFor(async () =>
      expect((await rawRequest(node, '/health')).json).toMatchObject({
        status: 'degraded',
        broker: 'error',
        broker_error: expect.stringMatching(/^redis: NOPERM .*channels/) as unknown,
      }),
    );
    const refused = await connectTestClient(wsOrigin(node, '/ws/connect?board_id=refused'));
    expect(await refused.closed).toMatchObject({
      code: CloseCode.TryAgainLater,
      reason: BROKER_UNAVAILABLE_REASON,
    });
    await user.grantChannels();
    const joined = await connectTestClient(wsOrigin(node, '/ws/connect?board_id=refused'));
    await joined.next('snapshot');
    // The join proves its own channel only: the node's other channels (the transport anchor's, the
    // metrics') are proven as the latest bus sends their SUBSCRIBEs again.
    await vi.waitFor(
      async () =>
        expect((await rawRequest(node, '/health')).json).toMatchObject({
          status: 'healthy',
          broker: 'connected',
        }),
      // REFUSED_SUBSCRIBE_RETRY_MS, with room for a slow machine.
      { timeout: 4_000, interval: 100 },
    );
    expect(brokerLog()).toEqual([
      { event: 'broker.error', cause: 'refused' },
      { event: 'broker.recovered', cause: 'refused' },
    ]);
  });

  it("TA2 once the rights are granted the transport anchor's channel, refused as the node started, is subscribed again without a restart or a join, within the retry period, and the node is healthy again", async () => {
    const { node, user } = await nodeWithoutChannels();
    const admin = await connectRedisAdmin(engines.redis.url);
    await vi.waitFor(async () => expect(await user.refusedSubscribes()).toBeGreaterThan(0));
    await user.grantChannels();
    await vi.waitFor(
      async () => {
        expect(await admin.pubSubChannels('liveline:transport:anchor')).toHaveLength(1);
        expect((await rawRequest(node, '/health')).json).toMatchObject({ status: 'healthy' });
      },
      // REFUSED_SUBSCRIBE_RETRY_MS, with room for a slow machine.
      { timeout: 4_000, interval: 100 },
    );
  });
});
