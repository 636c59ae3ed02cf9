import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawRequest, tempDataDir, type RawResponse } from '../test-utils/index.js';
import { startServerWithVideo } from '../test-utils/startServerWithVideo.js';

describe('the headers of every answer', () => {
  it("O5 every answer with a body, JSON, a refused upgrade, a video or the app's files, may be framed by no page and is never sniffed", async () => {
    const webDir = tempDataDir();
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Liveline</title>');
    writeFileSync(join(webDir, 'app.js'), 'export {};');
    const { server } = await startServerWithVideo((file) => writeFileSync(file, 'mp4'), { webDir });
    const foreign = { Origin: 'https://evil.example', 'Content-Type': 'application/json' };
    const answers: RawResponse[] = [
      await rawRequest(server, '/api/routes'),
      await rawRequest(server, '/api/nothing'),
      await rawRequest(server, '/api/workflows', { method: 'POST', headers: foreign, body: '{}' }),
      await rawRequest(server, '/ws/nothing', { upgrade: true }),
      await rawRequest(server, '/api/workflows/v/video'),
      await rawRequest(server, '/app.js'),
      await rawRequest(server, '/board', { headers: { Accept: 'text/html' } }),
    ];

    expect(answers.map((a) => a.status)).toEqual([200, 404, 403, 404, 200, 200, 200]);
    for (const { headers } of answers)
      expect(headers).toMatchObject({
        'x-frame-options': 'DENY',
        'content-security-policy': "frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
      });
  });
});
