import { describe, expect, it } from 'vitest';
import { describeAnswer, servedWsPaths } from './describeAnswer.js';
import type { HttpAnswer, HttpProbeResult } from './probe.js';

const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});
const html: HttpAnswer = {
  status: 200,
  contentType: 'text/html',
  body: '<!doctype html><html><body>app</body></html>',
};
const answered = (answer: HttpAnswer): HttpProbeResult => ({ kind: 'answered', ms: 3, answer });

describe('reading an HTTP answer', () => {
  it('servedWsPaths lists the WebSocket routes of a GET /api/routes answer', () => {
    const list = json(200, {
      routes: [
        {
          name: 'general',
          kind: 'ws',
          method: null,
          path: '/ws',
          delivery: 'latest',
          description: '',
        },
        {
          name: 'health',
          kind: 'http',
          method: 'GET',
          path: '/health',
          delivery: null,
          description: '',
        },
      ],
    });

    expect(servedWsPaths(answered(list))).toEqual(['/ws']);
    expect(servedWsPaths(answered(html))).toBeNull();
    expect(servedWsPaths({ kind: 'refused', ms: 1 })).toBeNull();
  });

  it('describeAnswer names empty bodies, HTML pages and quotes the rest', () => {
    expect(describeAnswer({ status: 403, contentType: null, body: '' })).toBe(
      '403 with an empty body',
    );
    expect(describeAnswer(html)).toBe('200 with an HTML page');
    expect(describeAnswer({ status: 500, contentType: 'text/plain', body: 'boom' })).toBe(
      '500 text/plain "boom"',
    );
  });
});
