import type { TestRedis } from './engines/startRedis.js';
import { connectRedisAdmin, subscribeStats } from './redisAdmin.js';

/** An ACL user of a test's Redis, made by {@link redisUserWithoutChannels}. */
export interface RedisUserWithoutChannels {
  /** `redis://<user>:<password>@127.0.0.1:<port>` */
  readonly url: string;
  /** How many SUBSCRIBEs Redis has refused since it started (any user's). */
  refusedSubscribes(): Promise<number>;
  /** Allows the user every channel (`allchannels`). */
  grantChannels(): Promise<void>;
}

/**
 * A Redis ACL user allowed every key and command but no pub/sub channel (`resetchannels`, what a
 * user Redis 7 makes without channel rules gets): Redis answers its SUBSCRIBEs `NOPERM`.
 */
export async function redisUserWithoutChannels(
  redis: TestRedis,
): Promise<RedisUserWithoutChannels> {
  const admin = await connectRedisAdmin(redis.url);
  await admin.aclSetUser('nochannels', ['on', '>secret', '~*', '+@all', 'resetchannels']);
  return {
    url: `redis://nochannels:secret@127.0.0.1:${redis.port}`,
    refusedSubscribes: async () => (await subscribeStats(admin)).refused,
    grantChannels: async () => void (await admin.aclSetUser('nochannels', 'allchannels')),
  };
}
