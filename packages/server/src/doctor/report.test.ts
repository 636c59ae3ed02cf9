import { describe, expect, it } from 'vitest';
import type { DoctorCheck, DoctorReport } from './doctor.js';
import { formatJson, formatReport, formatVerdict } from './report.js';

const check = (overrides: Partial<DoctorCheck>): DoctorCheck => ({
  route: 'clock',
  kind: 'ws',
  path: '/ws/transport/clock',
  target: 'direct',
  url: 'ws://127.0.0.1:8000/ws/transport/clock',
  origin: null,
  ok: true,
  status: '101',
  ms: 9,
  cause: null,
  detail: null,
  ...overrides,
});

const report = (checks: DoctorCheck[], via: string | null = null): DoctorReport => ({
  ok: checks.every((c) => c.ok),
  server: 'http://127.0.0.1:8000',
  via,
  timeoutMs: 3000,
  checks,
});

// The CI summary counts any line like this as a test tally (TOOLCHAIN §8).
const TALLY = /\d+ passed, \d+ failed/;

describe('formatReport', () => {
  it('prints one aligned line per route and target, marks and causes, then a verdict', () => {
    const text = formatReport(
      report(
        [
          check({
            route: 'health',
            kind: 'http',
            path: '/health',
            status: '200',
            ms: 3,
            detail: 'healthy',
          }),
          check({}),
          check({
            target: 'via',
            ok: false,
            status: 'timeout',
            ms: null,
            cause: 'works direct, not via the proxy',
          }),
        ],
        'http://127.0.0.1:5173',
      ),
    );
    const lines = text.split('\n');

    expect(lines[0]).toBe(
      'Liveline doctor: http://127.0.0.1:8000 via http://127.0.0.1:5173 (deadline 3000 ms per route)',
    );
    expect(text).toContain('✔  health  /health              direct  200      3 ms  healthy');
    expect(text).toContain(
      '✘  clock   /ws/transport/clock  via     timeout     —  works direct, not via the proxy',
    );
    expect(lines.at(-2)).toBe('✘ 1 of 3 checks failing (clock); causes above.');
    expect(text).not.toMatch(TALLY);
  });

  it('says every route works when they do, without a tally line', () => {
    const verdict = formatVerdict(report([check({})], 'http://127.0.0.1:5173'));

    expect(verdict).toBe('✔ Every route works directly and through the proxy (1 check).');
    expect(verdict).not.toMatch(TALLY);
  });
});

describe('formatJson', () => {
  it('is one JSON document of the whole report', () => {
    const r = report([check({})]);

    expect(JSON.parse(formatJson(r))).toEqual(r);
  });
});
