import type { HttpAnswer, WsProbeResult } from '../doctor/probe.js';

/** A JSON answer with `status`, as the doctor's probe records it. */
export const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});

/** A web page where the doctor expected Liveline: a proxy's or an app's own. */
export const html: HttpAnswer = {
  status: 200,
  contentType: 'text/html',
  body: '<!doctype html><html><body>app</body></html>',
};

/** A socket that opened with `liveline.v1` and heard a heartbeat. */
export const works: Extract<WsProbeResult, { kind: 'message' }> = {
  kind: 'message',
  ms: 12,
  upgradeMs: 4,
  protocol: 'liveline.v1',
  message: JSON.stringify({ type: 'heartbeat', data: { server_time: 1 } }),
};
