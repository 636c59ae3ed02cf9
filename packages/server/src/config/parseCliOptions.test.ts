import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseCliOptions } from './parseCliOptions.js';

describe('parseCliOptions', () => {
  it('reads the environment and lets flags win', () => {
    const options = parseCliOptions(['--port', '9000', '--stage-duration-ms=20'], {
      PORT: '8000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/d',
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
    });
    expect(options).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/tmp/d',
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
    });
  });

  it('O3 --allowed-hosts wins over ALLOWED_HOSTS, and --help wins over every flag', () => {
    expect(parseCliOptions(['--allowed-hosts=*'], { ALLOWED_HOSTS: 'a.example' })).toEqual({
      allowedHosts: ['*'],
    });
    expect(parseCliOptions(['--port', '1', '-h'], {})).toBe('help');
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
    [['--restart-reconnects-per-second', 'fast'], {}, '--restart-reconnects-per-second'],
    [['--allowed-hosts', 'http://x.example'], {}, '--allowed-hosts'],
    [[], { ALLOWED_HOSTS: 'a b' }, 'ALLOWED_HOSTS'],
  ])('names the bad setting in %j %j', (argv, env, name) => {
    expect(() => parseCliOptions(argv, env)).toThrow(ConfigError);
    expect(() => parseCliOptions(argv, env)).toThrow(name);
  });
});
