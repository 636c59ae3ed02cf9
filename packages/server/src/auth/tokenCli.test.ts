import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer } from '../test-utils/index.js';
import { runCli } from '../test-utils/runCli.js';
import { parseTokenArgs } from './tokenArgs.js';

const SECRET = 'the-cli-test-secret-is-32-bytes-or-more';

describe('liveline token', () => {
  it('A9 a token minted by the CLI is accepted, and --link puts it in the URL fragment', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const env = { LIVELINE_AUTH_SECRET: SECRET };
    const args = ['token', '--sub', 'alice', '--name', 'Alice', '--scope', 'board:*:write'];
    const [minted, link] = await Promise.all([
      runCli(args, env),
      runCli([...args, '--ttl', '1h', '--link', 'http://127.0.0.1:8000'], env),
    ]);
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    const answer = await rawRequest(server, '/api/boards/b1', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(200);
    expect(link.stdout.trim()).toMatch(
      /^http:\/\/127\.0\.0\.1:8000\/#token=[\w-]+\.[\w-]+\.[\w-]+$/,
    );
  });

  it('A9 A2 --ttl is at most 30d, a token’s longest lifetime', () => {
    const args = (ttl: string) => ['--sub', 'a', '--scope', 'board:*:read', '--ttl', ttl];
    const env = { LIVELINE_AUTH_SECRET: SECRET };
    expect(parseTokenArgs(args('30d'), env)).toMatchObject({ ok: true, ttlSeconds: 30 * 86_400 });
    for (const ttl of ['31d', '721h', '999999d'])
      expect(parseTokenArgs(args(ttl), env)).toEqual({
        ok: false,
        error: '--ttl: at most 30d: a token cannot be revoked before its exp but by a new secret',
      });
  });

  it('A9 without a secret or --sub it exits 2 and says what is missing', async () => {
    const noSecret = await runCli(['token', '--sub', 'a', '--scope', 'board:*:read'], {
      LIVELINE_AUTH_SECRET: '',
    });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('LIVELINE_AUTH_SECRET');
    const noSub = await runCli(['token', '--scope', 'board:*:read'], {
      LIVELINE_AUTH_SECRET: SECRET,
    });
    expect(noSub.code).toBe(2);
    expect(noSub.stderr).toContain('missing --sub');
  });
});
