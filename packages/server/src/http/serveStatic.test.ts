import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, tempDataDir } from '../test-utils/index.js';

describe('the web app’s pages (rule O5)', () => {
  it('O5 the built app and the page served when it is not built refuse to be framed by any site', async () => {
    const webDir = tempDataDir();
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Liveline</title>');
    for (const server of [await startTestServer({ webDir }), await startTestServer()]) {
      const page = await rawRequest(server, '/board', { headers: { Accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    }
  });
});
