import { describe, expect, it } from 'vitest';
import { parseDoctorArgs } from './args.js';
import { toOrigin } from './doctor.js';

describe('parseDoctorArgs', () => {
  it('defaults to http://127.0.0.1:8000, no proxy, a 3 s deadline and human output', () => {
    expect(parseDoctorArgs([])).toEqual({
      ok: true,
      help: false,
      json: false,
      options: { server: 'http://127.0.0.1:8000', via: null, timeoutMs: 3000, origin: null },
    });
  });

  it('reads the URL, --via, --json, --timeout and --origin', () => {
    const args = parseDoctorArgs([
      'ws://localhost:9000/ignored',
      '--via',
      '127.0.0.1:5173',
      '--json',
      '--timeout',
      '500',
      '--origin',
      'http://localhost:5173',
    ]);

    expect(args).toEqual({
      ok: true,
      help: false,
      json: true,
      options: {
        server: 'http://localhost:9000',
        via: 'http://127.0.0.1:5173',
        timeoutMs: 500,
        origin: 'http://localhost:5173',
      },
    });
  });

  it.each([
    [['--bogus'], /--bogus/],
    [['--timeout', 'soon'], /--timeout expects milliseconds/],
    [['--timeout', '0'], /--timeout expects milliseconds/],
    [['a:1', 'b:2'], /at most one URL/],
    [['ftp://x'], /expected an http\(s\) or ws\(s\) URL/],
  ])('rejects %j', (argv, message) => {
    const args = parseDoctorArgs(argv);

    expect(args.ok).toBe(false);
    if (!args.ok) expect(args.error).toMatch(message);
  });

  it('asks for help with -h', () => {
    expect(parseDoctorArgs(['-h'])).toEqual({ ok: true, help: true });
  });
});

describe('toOrigin', () => {
  it('turns ws, wss and bare host:port into http(s) origins', () => {
    expect(toOrigin('ws://a:1/x?y')).toBe('http://a:1');
    expect(toOrigin('wss://a')).toBe('https://a');
    expect(toOrigin('127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
  });

  it('takes the token from LIVELINE_TOKEN, so it stays out of ps and the shell history; --token wins', () => {
    const fromEnv = parseDoctorArgs([], { LIVELINE_TOKEN: 'from-env' });
    expect(fromEnv).toMatchObject({ ok: true, options: { token: 'from-env' } });
    const given = parseDoctorArgs(['--token', 'given'], { LIVELINE_TOKEN: 'from-env' });
    expect(given).toMatchObject({ ok: true, options: { token: 'given' } });
    expect(parseDoctorArgs([], { LIVELINE_TOKEN: '' })).not.toHaveProperty('options.token');
  });
});
