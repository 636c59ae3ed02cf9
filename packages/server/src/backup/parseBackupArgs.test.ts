import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBackupArgs } from './parseBackupArgs.js';

describe('liveline backup arguments', () => {
  it('reads the data directory as the server does: --data-dir wins over DATA_DIR, an empty DATA_DIR is unset', () => {
    const env = { DATA_DIR: '/srv/liveline' };
    expect(parseBackupArgs(['b.db', '--data-dir', '/other'], env)).toEqual({
      ok: true,
      help: false,
      file: resolve('b.db'),
      dataDir: '/other',
    });
    expect(parseBackupArgs(['b.db'], env)).toMatchObject({ dataDir: '/srv/liveline' });
    expect(parseBackupArgs(['b.db'], { DATA_DIR: '' })).toMatchObject({ dataDir: resolve('data') });
  });

  it('names what is wrong with a bad command line', () => {
    expect(parseBackupArgs([], {})).toEqual({ ok: false, error: 'missing <file>' });
    expect(parseBackupArgs(['a.db', 'b.db'], {})).toEqual({
      ok: false,
      error: 'expected one file, got a.db b.db',
    });
    expect(parseBackupArgs(['a.db', '--data-dir='], {})).toEqual({
      ok: false,
      error: '--data-dir expects a value',
    });
    expect(parseBackupArgs(['a.db', '--force'], {})).toMatchObject({
      ok: false,
      error: expect.stringContaining("'--force'") as unknown,
    });
    expect(parseBackupArgs(['--help'], {})).toEqual({ ok: true, help: true });
  });
});
