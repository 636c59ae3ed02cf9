import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WS_ROUTE_NAMES } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/mintToken.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import { onTestCleanup, startTestServer } from '../test-utils/index.js';
import { runDoctor } from './doctor.js';
import { formatJson, formatReport } from './report.js';

const SECRET = 'doctor-test-secret-of-32-bytes-or-more';
const ALL = 'board:*:write transport:*:control workflow:*:read monitor:*:read';

describe('liveline doctor --token', () => {
  it('A7 checks a secured server with a token and names missing, expired, invalid and out-of-scope tokens', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const good = await mintToken(SECRET, { sub: 'ops', scope: ALL, ttlSeconds: 60 });
    const works = await runDoctor({ server: server.origin, token: good });
    expect(works.checks.filter((c) => !c.ok)).toEqual([]);

    // Each server sees at most one bad token's failures, below the failure limit (rule A7).
    const causes = async (token: string | null, on = server): Promise<string[]> => {
      const report = await runDoctor({ server: on.origin, token });
      expect(report.ok).toBe(false);
      return report.checks.filter((c) => !c.ok).map((c) => c.cause ?? '');
    };
    const expired = await mintToken(SECRET, { sub: 'ops', scope: ALL, ttlSeconds: -300 });
    const narrow = await mintToken(SECRET, { sub: 'ops', scope: 'board:*:read', ttlSeconds: 60 });
    expect(await causes(null)).toContainEqual(
      expect.stringMatching(/authentication failed \(token missing\)/),
    );
    expect(await causes(expired)).toContainEqual(
      expect.stringMatching(/authentication failed \(token expired\)/),
    );
    const other = await startTestServer({ authSecret: SECRET });
    expect(await causes(`${good.slice(0, -4)}AAAA`, other)).toContainEqual(
      expect.stringMatching(/authentication failed \(token signature is invalid\)/),
    );
    const outOfScope = await causes(narrow);
    expect(outOfScope).toContainEqual(
      expect.stringMatching(/out of scope \(token lacks transport:\*:read\)/),
    );
    expect(outOfScope.every((cause) => !cause.includes('authentication failed'))).toBe(true);
  });

  it("S2 with auth on, /health gets the doctor's token once it is accepted, so an operator's token reads the database's own words and no token only their kind", async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ authSecret: SECRET, storage });
    storage.failWrites('ENOSPC: no space left on device, write /srv/liveline/liveline.db-wal');
    const operator = `${ALL} server:*:read`;
    const good = await mintToken(SECRET, { sub: 'ops', scope: operator, ttlSeconds: 60 });
    const healthCause = async (token: string | null) =>
      (await runDoctor({ server: server.origin, token })).checks.find((c) => c.route === 'health')
        ?.cause;

    expect(await healthCause(good)).toMatch(
      /^database error: write failed: ENOSPC: no space left on device, write \/srv\/liveline\//,
    );
    expect(await healthCause(null)).toMatch(/^database error: disk full \(/);
  });

  it('the report and its JSON never contain the token, even when a proxy echoes it back', async () => {
    const echo = createServer((req, res) => {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`authorization: ${req.headers.authorization ?? ''}\nhost: ${req.headers.host ?? ''}`);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    onTestCleanup(() => new Promise((resolve) => echo.close(resolve)));
    const token = await mintToken(SECRET, { sub: 'ops', scope: ALL, ttlSeconds: 60 });
    const origin = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const report = await runDoctor({ server: origin, token });
    expect(report.checks.some((c) => c.cause?.includes('authorization: Bearer'))).toBe(true);
    expect(formatReport(report)).not.toContain(token.slice(0, 20));
    expect(formatJson(report)).not.toContain(token.slice(0, 20));
  });

  it('A7 a refused token is verified once per run and its cause said once: the other routes, directly and through a proxy, are not sent and point at that line', async () => {
    const refusals: string[] = [];
    const quiet = () => undefined;
    const logger = {
      debug: quiet,
      info: quiet,
      error: quiet,
      warn: (e: string) => refusals.push(e),
    };
    const server = await startTestServer({ authSecret: SECRET, logger });
    const good = await mintToken(SECRET, { sub: 'ops', scope: ALL, ttlSeconds: 60 });
    const report = await runDoctor({
      server: server.origin,
      via: server.origin,
      token: `${good.slice(0, -4)}AAAA`,
    });
    const failed = report.checks.filter((c) => !c.ok);
    expect(failed).toHaveLength(WS_ROUTE_NAMES.length * 2);
    const [named, ...others] = failed.filter((c) => c.status !== 'not sent');
    expect(others).toEqual([]);
    expect(named).toMatchObject({ route: 'clock', target: 'direct' });
    expect(named?.cause).toMatch(/authentication failed \(token signature is invalid\)/);
    for (const check of failed.filter((c) => c !== named))
      expect(check.cause).toBe('token refused; the cause is on the clock (direct) line');
    expect(refusals.filter((e) => e === 'auth.refused')).toHaveLength(1);
  });

  it('A7 without a token on a secured server, the missing token is named on one line and the others point at it', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const failed = (await runDoctor({ server: server.origin })).checks.filter((c) => !c.ok);
    expect(failed).toHaveLength(WS_ROUTE_NAMES.length);
    const naming = failed.filter((c) => c.cause?.includes('authentication failed (token missing)'));
    expect(naming).toHaveLength(1);
    for (const check of failed.filter((c) => c !== naming[0]))
      expect(check.cause).toBe(
        `token refused; the cause is on the ${naming[0]?.route ?? ''} (direct) line`,
      );
  });
});
