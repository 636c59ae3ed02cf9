import {
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { rawRequest, startTestServer, tempDataDir } from '../test-utils/index.js';

/** This process's open file descriptors on `file`. */
const openDescriptors = (file: string): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;

/** Starts downloading `path` and resets the connection at the first bytes of the answer. */
const abortedDownload = (origin: string, path: string): Promise<void> => {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`),
    );
    socket.once('data', () => socket.resetAndDestroy());
    socket.once('close', () => resolve());
  });
};

describe('serving the web app', () => {
  it('O5 the built app and the page served when it is not built refuse to be framed by any site and to be sniffed', async () => {
    const webDir = tempDataDir();
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Liveline</title>');
    for (const server of [await startTestServer({ webDir }), await startTestServer()]) {
      const page = await rawRequest(server, '/board', { headers: { Accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['content-security-policy']).toBe("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('a file whose real path leaves the web app’s directory is the API’s 404, whatever link leads out; links that stay inside are followed', async () => {
    const outside = tempDataDir();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    const webDir = tempDataDir();
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Liveline</title>');
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'assets', 'app.js'), 'export {};');
    symlinkSync(join(outside, 'secret.txt'), join(webDir, 'leak.txt'));
    symlinkSync(outside, join(webDir, 'out'));
    symlinkSync(join(webDir, 'assets', 'app.js'), join(webDir, 'app.js'));
    const linkedRoot = join(tempDataDir(), 'web');
    symlinkSync(webDir, linkedRoot);
    const server = await startTestServer({ webDir: linkedRoot });

    for (const path of ['/leak.txt', '/out/secret.txt']) {
      const leaked = await rawRequest(server, path, { headers: { Accept: 'text/html' } });
      expect([leaked.status, leaked.json?.error]).toMatchObject([404, { code: 'not_found' }]);
    }
    expect(await rawRequest(server, '/app.js')).toMatchObject({ status: 200, body: 'export {};' });
  });

  it('a web app directory that is a link switched to another release serves the new release’s files', async () => {
    const [v1, v2] = [tempDataDir(), tempDataDir()];
    writeFileSync(join(v1, 'app.js'), 'v1');
    writeFileSync(join(v2, 'app.js'), 'v2');
    const current = join(tempDataDir(), 'current');
    symlinkSync(v1, current);
    const server = await startTestServer({ webDir: current });
    expect((await rawRequest(server, '/app.js')).body).toBe('v1');

    // Switched as a deploy does it: a new link renamed over the old one.
    symlinkSync(v2, `${current}.next`);
    renameSync(`${current}.next`, current);
    expect(await rawRequest(server, '/app.js')).toMatchObject({ status: 200, body: 'v2' });
  });

  it('a download of the app’s files the client resets leaves no file open', async () => {
    const webDir = tempDataDir();
    const file = join(webDir, 'big.js');
    writeFileSync(file, Buffer.alloc(4 * 1024 * 1024, 'x'));
    const server = await startTestServer({ webDir });
    for (let i = 0; i < 20; i += 1) await abortedDownload(server.origin, '/big.js');
    await vi.waitFor(() => expect(openDescriptors(file)).toBe(0));
    const whole = await rawRequest(server, '/big.js');
    expect(whole.body).toHaveLength(4 * 1024 * 1024);
  });
});
