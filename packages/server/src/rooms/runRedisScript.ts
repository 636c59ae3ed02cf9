import { createHash } from 'node:crypto';
import type { createClient } from 'redis';

type RedisClient = Pick<ReturnType<typeof createClient>, 'sendCommand'>;

/**
 * Runs Lua scripts by their SHA1 (EVALSHA), loading a script with EVAL when Redis does not know
 * it (first use, or a Redis that restarted empty).
 */
export function createScriptRunner(
  client: RedisClient,
): (body: string, keys: readonly string[], args: readonly string[]) => Promise<unknown> {
  const shas = new Map<string, string>();
  return async (body, keys, args) => {
    let sha = shas.get(body);
    if (!sha) shas.set(body, (sha = createHash('sha1').update(body).digest('hex')));
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(['EVALSHA', sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', body, ...tail]);
    }
  };
}
