import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseCliOptions, settingOf } from './parseCliOptions.js';

describe('parseCliOptions', () => {
  it('reads the environment and lets flags win', () => {
    const options = parseCliOptions(['--port', '9000', '--stage-duration-ms=20'], {
      PORT: '8000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/d',
      VIDEOS_DIR: '/mnt/shared/videos',
      ALLOWED_ORIGINS: 'http://a:1, http://b:2',
      STAGE_DURATION_MS: '5',
      LOG_LEVEL: 'warn',
      MAX_CONNECTIONS: '500',
      MAX_CONNECTIONS_PER_IP: '50',
      RESTART_RECONNECTS_PER_SECOND: '2.5',
      ALLOWED_HOSTS: 'live.example.com, .team.example',
      RENDER_VIDEO: 'false',
      FFMPEG_PATH: '/opt/ffmpeg',
      ESPEAK_NG_PATH: '/opt/espeak-ng',
      TRUSTED_PROXIES: '127.0.0.1, ::1',
    });
    expect(options).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/tmp/d',
      videosDir: '/mnt/shared/videos',
      allowedOrigins: ['http://a:1', 'http://b:2'],
      stageDurationMs: 20,
      logLevel: 'warn',
      maxConnections: 500,
      maxConnectionsPerIp: 50,
      restartReconnectsPerSecond: 2.5,
      allowedHosts: ['live.example.com', '.team.example'],
      renderVideo: false,
      ffmpegPath: '/opt/ffmpeg',
      espeakNgPath: '/opt/espeak-ng',
      trustedProxies: ['127.0.0.1', '::1'],
    });
  });

  it('A1 the secret comes from --auth-secret-file (newline dropped) or LIVELINE_AUTH_SECRET; --insecure-no-auth is a switch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liveline-secret-'));
    const file = join(dir, 'secret');
    writeFileSync(file, `${'s'.repeat(40)}\n`);
    expect(
      parseCliOptions(['--auth-secret-file', file, '--insecure-no-auth'], {
        LIVELINE_AUTH_SECRET: 'env-loses',
      }),
    ).toEqual({ authSecret: 's'.repeat(40), insecureNoAuth: true });
    expect(parseCliOptions([], { LIVELINE_AUTH_SECRET: 'from-env' })).toEqual({
      authSecret: 'from-env',
    });
    expect(() => parseCliOptions(['--auth-secret-file', join(dir, 'nope')], {})).toThrow(
      /--auth-secret-file: cannot read the secret file/,
    );
    rmSync(dir, { recursive: true });
  });

  it('O3 --allowed-hosts wins over ALLOWED_HOSTS, and --help wins over every flag', () => {
    expect(parseCliOptions(['--allowed-hosts=*'], { ALLOWED_HOSTS: 'a.example' })).toEqual({
      allowedHosts: ['*'],
    });
    expect(parseCliOptions(['--port', '1', '-h'], {})).toBe('help');
  });

  it('L7 --http-rate-limit wins over HTTP_RATE_LIMIT', () => {
    expect(parseCliOptions(['--http-rate-limit=50'], { HTTP_RATE_LIMIT: '5000' })).toEqual({
      httpRateLimit: 50,
    });
    expect(parseCliOptions([], { HTTP_RATE_LIMIT: '5000' })).toEqual({ httpRateLimit: 5000 });
  });

  it('L4 --rate-limit wins over RATE_LIMIT, and takes a fraction', () => {
    expect(parseCliOptions(['--rate-limit', '2.5'], { RATE_LIMIT: '80' })).toEqual({
      rateLimitPerSecond: 2.5,
    });
    expect(parseCliOptions([], { RATE_LIMIT: '80' })).toEqual({ rateLimitPerSecond: 80 });
  });

  it('L4 --rate-limit-burst wins over RATE_LIMIT_BURST', () => {
    expect(parseCliOptions(['--rate-limit-burst=400'], { RATE_LIMIT_BURST: '600' })).toEqual({
      rateLimitBurst: 400,
    });
    expect(parseCliOptions([], { RATE_LIMIT_BURST: '600' })).toEqual({ rateLimitBurst: 600 });
  });

  it('B5 --max-boards wins over MAX_BOARDS', () => {
    expect(parseCliOptions(['--max-boards', '20'], { MAX_BOARDS: '5000' })).toEqual({
      maxBoards: 20,
    });
    expect(parseCliOptions([], { MAX_BOARDS: '5000' })).toEqual({ maxBoards: 5000 });
  });

  it('W8 --max-unfinished-runs wins over MAX_UNFINISHED_RUNS', () => {
    expect(
      parseCliOptions(['--max-unfinished-runs', '20'], { MAX_UNFINISHED_RUNS: '5000' }),
    ).toEqual({ maxUnfinishedRuns: 20 });
    expect(parseCliOptions([], { MAX_UNFINISHED_RUNS: '5000' })).toEqual({
      maxUnfinishedRuns: 5000,
    });
  });

  it('G1 --history-max-events, --history-max-age-ms and --history-max-bytes win over their variables; a bad value names the setting', () => {
    const env = { HISTORY_MAX_EVENTS: '50', HISTORY_MAX_AGE_MS: '1000', HISTORY_MAX_BYTES: '4096' };
    expect(parseCliOptions([], env)).toEqual({
      historyMaxEvents: 50,
      historyMaxAgeMs: 1000,
      historyMaxBytes: 4096,
    });
    const flags = ['--history-max-events=7', '--history-max-age-ms', '60000'];
    expect(parseCliOptions([...flags, '--history-max-bytes', '65536'], env)).toEqual({
      historyMaxEvents: 7,
      historyMaxAgeMs: 60_000,
      historyMaxBytes: 65_536,
    });
    expect(() => parseCliOptions([], { HISTORY_MAX_BYTES: '4MiB' })).toThrow(
      'HISTORY_MAX_BYTES: expected a whole number of bytes ≥ 1, got "4MiB"',
    );
  });

  it('G3 --max-finished-runs wins over MAX_FINISHED_RUNS', () => {
    expect(parseCliOptions(['--max-finished-runs', '20'], { MAX_FINISHED_RUNS: '5000' })).toEqual({
      maxFinishedRuns: 20,
    });
    expect(parseCliOptions([], { MAX_FINISHED_RUNS: '5000' })).toEqual({ maxFinishedRuns: 5000 });
  });

  it('G3 --run-retention takes a duration (90s, 10m, 8h, 7d) and wins over RUN_RETENTION', () => {
    expect(parseCliOptions(['--run-retention=7d'], { RUN_RETENTION: '1h' })).toEqual({
      runRetentionMs: 7 * 86_400_000,
    });
    expect(parseCliOptions([], { RUN_RETENTION: '90s' })).toEqual({ runRetentionMs: 90_000 });
  });

  it.each([
    [['--port', '70000'], {}, '--port'],
    [[], { PORT: 'eighty' }, 'PORT'],
    [[], { STAGE_DURATION_MS: '-1' }, 'STAGE_DURATION_MS'],
    [['--stage-duration-ms', '1.5'], {}, '--stage-duration-ms'],
    [[], { ALLOWED_ORIGINS: 'example.com' }, 'ALLOWED_ORIGINS'],
    [['--log-level', 'loud'], {}, '--log-level'],
    [['--colour', 'on'], {}, '--colour'],
    [['--host'], {}, '--host'],
    [['--render-video', 'maybe'], {}, '--render-video'],
    [[], { MAX_CONNECTIONS: '0' }, 'MAX_CONNECTIONS'],
    [['--max-connections-per-ip', 'many'], {}, '--max-connections-per-ip'],
    [[], { HTTP_RATE_LIMIT: '0' }, 'HTTP_RATE_LIMIT'],
    [['--http-rate-limit', '1.5'], {}, '--http-rate-limit'],
    [[], { RATE_LIMIT: 'fast' }, 'RATE_LIMIT'],
    [[], { RATE_LIMIT_BURST: '0' }, 'RATE_LIMIT_BURST'],
    [['--rate-limit-burst', 'lots'], {}, '--rate-limit-burst'],
    [[], { MAX_BOARDS: 'all' }, 'MAX_BOARDS'],
    [['--max-unfinished-runs', '0'], {}, '--max-unfinished-runs'],
    [[], { MAX_FINISHED_RUNS: '0' }, 'MAX_FINISHED_RUNS'],
    [['--restart-reconnects-per-second', 'fast'], {}, '--restart-reconnects-per-second'],
    [['--allowed-hosts', 'http://x.example'], {}, '--allowed-hosts'],
    [[], { ALLOWED_HOSTS: 'a b' }, 'ALLOWED_HOSTS'],
    [['--trusted-proxies', 'nginx.local'], {}, '--trusted-proxies'],
    [['--run-retention', '30'], {}, '--run-retention'],
    [[], { RUN_RETENTION: '0d' }, 'RUN_RETENTION'],
  ])('names the bad setting in %j %j', (argv, env, name) => {
    expect(() => parseCliOptions(argv, env)).toThrow(ConfigError);
    expect(() => parseCliOptions(argv, env)).toThrow(name);
  });

  it.each([
    ['workflowLeaseMs', [], { WORKFLOW_LEASE_MS: '50' }, 'WORKFLOW_LEASE_MS'],
    [
      'workflowLeaseMs',
      ['--workflow-lease-ms', '50'],
      { WORKFLOW_LEASE_MS: '500' },
      '--workflow-lease-ms',
    ],
    ['runRetentionMs', ['--run-retention=1000000d'], {}, '--run-retention'],
    ['rateLimitPerSecond', ['--rate-limit', '0'], {}, '--rate-limit'],
    ['rateLimitBurst', [], { RATE_LIMIT_BURST: '2000000' }, 'RATE_LIMIT_BURST'],
    ['host', [], { HOST: '0.0.0.0' }, 'HOST'],
    ['trustedProxies', ['--trusted-proxies', '127.0.0.1'], {}, '--trusted-proxies'],
    ['allowedOrigins[1]', [], { ALLOWED_ORIGINS: 'http://a:1,http://b:2' }, 'ALLOWED_ORIGINS'],
    ['authSecret', [], { LIVELINE_AUTH_SECRET: 'short' }, 'LIVELINE_AUTH_SECRET'],
    ['authSecret', ['--auth-secret-file', '/etc/liveline/secret'], {}, '--auth-secret-file'],
    ['now', [], {}, 'now'],
  ])('settingOf names option %s as the operator set it in %j %j', (field, argv, env, name) => {
    expect(settingOf(field, argv, env)).toBe(name);
  });
});
