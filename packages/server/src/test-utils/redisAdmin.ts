import { createClient } from 'redis';
import { onTestCleanup } from './onTestCleanup.js';

/** A plain client of a test's Redis at `url`, made by {@link connectRedisAdmin}. */
export type RedisAdmin = Awaited<ReturnType<typeof connectRedisAdmin>>;

/** A plain client of the Redis at `url`, closed after the test. */
export const connectRedisAdmin = async (url: string) => {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  onTestCleanup(() => client.destroy());
  return client;
};

/** Redis's count of the SUBSCRIBEs it ran and refused since it started (any user's). */
export const subscribeStats = async (admin: RedisAdmin) => {
  const [, calls, refused] =
    /cmdstat_subscribe:calls=(\d+),.*rejected_calls=(\d+)/.exec(await admin.info('commandstats')) ??
    [];
  return { calls: Number(calls ?? 0), refused: Number(refused ?? 0) };
};
