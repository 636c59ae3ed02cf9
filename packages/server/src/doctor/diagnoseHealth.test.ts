import { describe, expect, it } from 'vitest';
import { html, json } from '../test-utils/doctorAnswers.js';
import { diagnoseHealth, type HealthCheckInput } from './diagnose.js';
import type { HttpAnswer, HttpProbeResult } from './probe.js';

const healthBody = {
  status: 'healthy',
  version: '0.1.0',
  timestamp: '2025-01-01T00:00:00Z',
  database: 'connected',
  database_error: null,
  uptime_seconds: 12.4,
  protocol_version: 1,
  routes: {},
};
const answered = (answer: HttpAnswer): HttpProbeResult => ({ kind: 'answered', ms: 7, answer });
const health = (overrides: Partial<HealthCheckInput>): HealthCheckInput => ({
  path: '/health',
  target: 'direct',
  base: 'http://127.0.0.1:8000',
  result: answered(json(200, healthBody)),
  direct: null,
  timeoutMs: 3000,
  ...overrides,
});

/** The health check of a cluster node whose broker failed with `brokerError`. */
const brokerFailed = (brokerError: string): HealthCheckInput =>
  health({
    result: answered(
      json(200, {
        ...healthBody,
        status: 'degraded',
        mode: 'cluster',
        broker: 'error',
        broker_error: brokerError,
      }),
    ),
  });

describe('diagnoseHealth', () => {
  const table: [string, HealthCheckInput, boolean, string, RegExp][] = [
    [
      'a valid health document with the database connected works',
      health({}),
      true,
      '200',
      /healthy, database connected, protocol v1, up 12 s/,
    ],
    [
      'a database error fails and says so',
      health({
        result: answered(
          json(200, {
            ...healthBody,
            status: 'degraded',
            database: 'error',
            database_error: 'disk full',
          }),
        ),
      }),
      false,
      '200',
      /database error: disk full/,
    ],
    [
      'a cluster node that lost its message broker fails and says so',
      brokerFailed('redis: connection refused'),
      false,
      '200',
      /message broker error: redis: connection refused/,
    ],
    [
      'S2 a cluster node whose Redis user lacks rights fails with the grant that fixes it',
      brokerFailed('redis: not permitted'),
      false,
      '200',
      /message broker error: redis: not permitted .*lacks rights.*&liveline:\*/,
    ],
    [
      'with auth on a failure says which grant reads the engine’s words',
      health({
        result: answered(
          json(200, {
            ...healthBody,
            status: 'degraded',
            auth: 'on',
            database: 'error',
            database_error: 'disk full',
          }),
        ),
      }),
      false,
      '200',
      /database error: disk full \(.*only a token with server:\*:read reads the engine's own words\)/,
    ],
    [
      'a 200 that is not the health document: not a Liveline server',
      health({ result: answered(html) }),
      false,
      '200',
      /not Liveline's health document/,
    ],
    [
      '503: draining',
      health({ result: answered(json(503, { ...healthBody, status: 'draining' })) }),
      false,
      '503',
      /draining/,
    ],
    [
      'a plain 404: not a Liveline server',
      health({
        result: answered({
          status: 404,
          contentType: 'application/json',
          body: '{"detail":"Not Found"}',
        }),
      }),
      false,
      '404',
      /not a Liveline server, or \/health is not routed/,
    ],
    [
      'refused: start the server',
      health({ result: { kind: 'refused', ms: 1 } }),
      false,
      'refused',
      /start the server/,
    ],
    [
      'works direct, the proxy serves its page instead',
      health({ target: 'via', direct: answered(json(200, healthBody)), result: answered(html) }),
      false,
      '200',
      /works direct, not via the proxy: the proxy does not forward \/health/,
    ],
  ];

  it.each(table)('%s', (_, input, ok, status, text) => {
    const diagnosis = diagnoseHealth(input);

    expect(diagnosis).toMatchObject({ ok, status });
    expect(diagnosis.ok ? diagnosis.detail : diagnosis.cause).toMatch(text);
  });
});
