import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseCliOptions } from './parseCliOptions.js';
import { serverUsage } from './serverFlags.js';
import { resolveServerOptions, type ServerOptions } from './serverOptions.js';

const DB = 'postgres://liveline:s3cret@db.internal:5432/liveline';
const REDIS = 'redis://cache.internal:6379';

const resolved = (argv: string[], env: NodeJS.ProcessEnv) => {
  const options = parseCliOptions(argv, env);
  if (options === 'help') throw new Error('no help expected');
  return resolveServerOptions(options);
};

describe('cluster settings', () => {
  it('DATABASE_URL with REDIS_URL (or their flags, which win) turn on cluster mode; NODE_ID names the node', () => {
    expect(resolved([], { DATABASE_URL: DB, REDIS_URL: REDIS, NODE_ID: 'node-a' })).toMatchObject({
      databaseUrl: DB,
      redisUrl: REDIS,
      nodeId: 'node-a',
    });
    const other = 'postgresql://127.0.0.1:6543/other';
    expect(
      resolved(
        ['--database-url', other, '--redis-url=redis://127.0.0.1:7000', '--node-id', 'b.2'],
        {
          DATABASE_URL: DB,
          REDIS_URL: REDIS,
        },
      ),
    ).toMatchObject({ databaseUrl: other, redisUrl: 'redis://127.0.0.1:7000', nodeId: 'b.2' });
  });

  it('without them the node stays embedded, named after its host and process id', () => {
    const options = resolved([], {});
    expect(options).toMatchObject({ databaseUrl: null, redisUrl: null });
    expect(options.nodeId).toBe(
      `${hostname()
        .replace(/[^\w.-]/g, '-')
        .slice(0, 50)}-${process.pid}`,
    );
  });

  it('one engine alone, a URL of the wrong kind or a bad node id is refused, never echoing a URL', () => {
    const refused = (options: ServerOptions): ConfigError => {
      try {
        resolveServerOptions(options);
      } catch (error) {
        if (error instanceof ConfigError) return error;
      }
      throw new Error('expected a ConfigError');
    };
    expect(refused({ databaseUrl: DB }).field).toBe('redisUrl');
    expect(refused({ redisUrl: REDIS }).field).toBe('databaseUrl');
    const wrongKind = refused({ databaseUrl: 'mysql://root:s3cret@db/x', redisUrl: REDIS });
    expect(wrongKind.message).toMatch(/databaseUrl: expected a URL starting with postgres:\/\//);
    expect(wrongKind.message).not.toMatch(/s3cret/);
    expect(refused({ databaseUrl: DB, redisUrl: 'not a url' }).field).toBe('redisUrl');
    expect(refused({ nodeId: 'has space' }).field).toBe('nodeId');
  });

  it('--help names the three settings and their variables', () => {
    const help = serverUsage();
    for (const [flag, env] of [
      ['--database-url', 'DATABASE_URL'],
      ['--redis-url', 'REDIS_URL'],
      ['--node-id', 'NODE_ID'],
    ])
      expect(help).toMatch(new RegExp(`${flag} <\\w+>\\n.*\\n\\s+env ${env},`));
  });
});
