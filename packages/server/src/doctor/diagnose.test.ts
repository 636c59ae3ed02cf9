import { describe, expect, it } from 'vitest';
import { html, json, works } from '../test-utils/doctorAnswers.js';
import { diagnoseWs, type WsCheckInput } from './diagnose.js';
import type { HttpAnswer, WsProbeResult } from './probe.js';

const livelineError = (status: number, code: string, message: string, extra = {}): HttpAnswer =>
  json(status, { error: { code, message, field: null }, ...extra });
const rejected = (answer: HttpAnswer): WsProbeResult => ({ kind: 'rejected', ms: 5, answer });

const ws = (overrides: Partial<WsCheckInput>): WsCheckInput => ({
  route: 'clock',
  path: '/ws/transport/clock',
  target: 'direct',
  base: 'http://127.0.0.1:8000',
  result: works,
  direct: null,
  timeoutMs: 3000,
  origin: null,
  served: null,
  ...overrides,
});

describe('diagnoseWs', () => {
  // [case, input, expected ok, expected status, what the cause must say]
  const table: [string, WsCheckInput, boolean, string, RegExp | null][] = [
    ['101 and a valid first message works', ws({}), true, '101', null],
    [
      '101 and a first message outside the protocol fails',
      ws({ result: { ...works, message: '{"hello":1}' } }),
      false,
      '101',
      /does not follow the protocol of clock/,
    ],
    [
      '101 and a first message that is not JSON fails',
      ws({ result: { ...works, message: 'hi' } }),
      false,
      '101',
      /not JSON/,
    ],
    [
      '101 but no first message: handler registered but silent',
      ws({ result: { kind: 'silent', ms: 3000, upgradeMs: 3 } }),
      false,
      '101',
      /handler registered but silent.*3000 ms/,
    ],
    [
      'closed right after accept: code, its meaning and the reason',
      ws({
        result: { kind: 'closed', ms: 4, upgradeMs: 3, code: 4404, reason: 'no such workflow' },
      }),
      false,
      'closed 4404',
      /closed 4404 right after accept: not found \(reason "no such workflow"\)/,
    ],
    [
      "404 with Liveline's JSON: not served here, with the list from the body",
      ws({
        result: rejected(
          livelineError(404, 'not_found', 'no WebSocket route at /ws/transport/clock', {
            websocket_routes: ['/ws', '/ws/transport'],
          }),
        ),
      }),
      false,
      '404',
      /route not served by this server; it serves \/ws, \/ws\/transport/,
    ],
    [
      "404 with Liveline's JSON but no list: the list from GET /api/routes",
      ws({
        result: rejected(livelineError(404, 'not_found', 'nope')),
        served: ['/ws', '/ws/connect'],
      }),
      false,
      '404',
      /not served by this server; it serves \/ws, \/ws\/connect/,
    ],
    [
      "404 without Liveline's JSON: not a Liveline server, or not routed",
      ws({ result: rejected({ status: 404, contentType: 'text/plain', body: 'Not Found' }) }),
      false,
      '404',
      /not a Liveline server, or \/ws\/transport\/clock is not routed to it/,
    ],
    [
      'empty 403: closed before accepting, Starlette/uvicorn-style',
      ws({ result: rejected({ status: 403, contentType: null, body: '' }) }),
      false,
      '403',
      /closed before accepting.*unregistered WebSocket route.*rejected origin.*Starlette\/uvicorn/,
    ],
    [
      "403 with Liveline's JSON: origin not allowed, ALLOWED_ORIGINS named",
      ws({
        origin: 'http://evil.test',
        result: rejected(
          livelineError(403, 'not_supported', 'origin http://evil.test is not allowed'),
        ),
      }),
      false,
      '403',
      /origin http:\/\/evil\.test is not allowed: add it to the server's ALLOWED_ORIGINS/,
    ],
    [
      "403 with Liveline's JSON on the host field: ALLOWED_HOSTS named, not the origin",
      ws({
        origin: 'http://127.0.0.1:5173',
        result: rejected(
          json(403, {
            error: {
              code: 'not_supported',
              message: 'host live.test is not allowed',
              field: 'host',
            },
          }),
        ),
      }),
      false,
      '403',
      /host name this URL uses.*ALLOWED_HOSTS.*host live\.test is not allowed/,
    ],
    [
      '426: the Upgrade header was dropped on the way',
      ws({ result: rejected(livelineError(426, 'not_supported', 'is a WebSocket route')) }),
      false,
      '426',
      /without its Upgrade header.*`ws: true`/,
    ],
    [
      '400: the sample parameters were rejected',
      ws({ result: rejected(livelineError(400, 'invalid_field', 'id: too long')) }),
      false,
      '400',
      /rejected the route's sample parameters.*id: too long/,
    ],
    [
      '503: draining',
      ws({ result: rejected(livelineError(503, 'unavailable', 'server is draining')) }),
      false,
      '503',
      /draining/,
    ],
    [
      '200 HTML instead of an upgrade',
      ws({ result: rejected(html) }),
      false,
      '200',
      /200 with an HTML page instead of upgrading/,
    ],
    [
      'no answer before the deadline',
      ws({ result: { kind: 'timeout', ms: 3000 } }),
      false,
      'timeout',
      /no answer to the upgrade within 3000 ms/,
    ],
    [
      'ECONNREFUSED: nothing listening, start the server',
      ws({ result: { kind: 'refused', ms: 1 } }),
      false,
      'refused',
      /nothing listening at 127\.0\.0\.1:8000: start the server \(`npm start`\)/,
    ],
    [
      'refused through the proxy: start the dev server',
      ws({ target: 'via', base: 'http://127.0.0.1:5173', result: { kind: 'refused', ms: 1 } }),
      false,
      'refused',
      /nothing listening at 127\.0\.0\.1:5173: start the dev server/,
    ],
    [
      '101 without the subprotocol: not valid for a Liveline client',
      ws({
        result: {
          kind: 'failed',
          ms: 3,
          code: null,
          message: 'Server sent no subprotocol',
          upgraded: true,
        },
      }),
      false,
      '101',
      /upgraded \(101\) but the handshake is not valid.*no subprotocol/,
    ],
    [
      'a certificate from a private CA: not trusted, and how to trust it',
      ws({
        base: 'https://example.test',
        result: {
          kind: 'failed',
          ms: 3,
          code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
          message: 'unable to verify the first certificate',
          upgraded: false,
        },
      }),
      false,
      'error',
      /TLS certificate is not trusted \(unable to verify the first certificate\).*NODE_EXTRA_CA_CERTS/,
    ],
    [
      'an expired certificate: named as it is, with no advice to trust it',
      ws({
        base: 'https://example.test',
        result: {
          kind: 'failed',
          ms: 3,
          code: 'CERT_HAS_EXPIRED',
          message: 'certificate has expired',
          upgraded: false,
        },
      }),
      false,
      'error',
      /^the connection failed: certificate has expired$/,
    ],
    [
      'works direct, via hangs: the proxy does not forward upgrades',
      ws({ target: 'via', direct: works, result: { kind: 'timeout', ms: 3000 } }),
      false,
      'timeout',
      /works direct, not via the proxy: .*`ws: true` missing, or its path pattern does not match \/ws\/transport\/clock.*hangs/,
    ],
    [
      'works direct, via answers the app page: the proxy does not forward upgrades',
      ws({ target: 'via', direct: works, result: rejected(html) }),
      false,
      '200',
      /works direct, not via the proxy.*answered 200 with an HTML page/,
    ],
    [
      'works direct, via 404 HTML: the proxy does not forward upgrades',
      ws({
        target: 'via',
        direct: works,
        result: rejected({ status: 404, contentType: 'text/html', body: '<html>404</html>' }),
      }),
      false,
      '404',
      /works direct, not via the proxy/,
    ],
    [
      "works direct, via Liveline's 403: forwarded, and the dev origin is refused",
      ws({
        target: 'via',
        direct: works,
        origin: 'http://127.0.0.1:5999',
        result: rejected(livelineError(403, 'not_supported', 'origin not allowed')),
      }),
      false,
      '403',
      /origin http:\/\/127\.0\.0\.1:5999 is not allowed.*ALLOWED_ORIGINS/,
    ],
    [
      'fails direct too: via is diagnosed on its own terms',
      ws({
        target: 'via',
        direct: { kind: 'refused', ms: 1 },
        result: rejected({ status: 502, contentType: null, body: '' }),
      }),
      false,
      '502',
      /could not reach the server/,
    ],
    ['works via too', ws({ target: 'via', direct: works }), true, '101', null],
  ];

  it.each(table)('%s', (_, input, ok, status, cause) => {
    const diagnosis = diagnoseWs(input);

    expect(diagnosis).toMatchObject({ ok, status });
    if (cause) expect(diagnosis.cause).toMatch(cause);
    else expect(diagnosis.cause).toBeNull();
  });

  it('reports the time to the first message only when one arrived', () => {
    expect(diagnoseWs(ws({})).ms).toBe(12);
    expect(diagnoseWs(ws({ result: { kind: 'timeout', ms: 3000 } })).ms).toBeNull();
  });
});
