import type { TestRedis } from './engines/startRedis.js';
import { connectRedisAdmin } from './redisAdmin.js';

/** An ACL user of a test's Redis, made by {@link redisUserWithoutPublish}. */
export interface RedisUserWithoutPublish {
  /** `redis://<user>:<password>@127.0.0.1:<port>` */
  readonly url: string;
  /** Allows the user the PUBLISH command. */
  grantPublish(): Promise<void>;
}

/**
 * A Redis ACL user allowed every key, channel and command but PUBLISH (as a user granted
 * `+@read +@write +@scripting` lacks it): a script's PUBLISH is refused, every other call works.
 */
export async function redisUserWithoutPublish(redis: TestRedis): Promise<RedisUserWithoutPublish> {
  const admin = await connectRedisAdmin(redis.url);
  await admin.aclSetUser('nopublish', ['on', '>secret', '~*', 'allchannels', '+@all', '-publish']);
  return {
    url: `redis://nopublish:secret@127.0.0.1:${redis.port}`,
    grantPublish: async () => void (await admin.aclSetUser('nopublish', '+publish')),
  };
}
