import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../../../test-utils/index.js';
import { runNiced } from './runNiced.js';

describe('runNiced', () => {
  it('W5 a render process that runs past its time limit is killed, and the call fails saying so once it exited', async () => {
    // A stand-in for a hung encoder: the command is the caller's to choose.
    const run = runNiced('sleep', ['600'], {
      cwd: tempDataDir(),
      signal: new AbortController().signal,
      timeoutMs: 200,
    });
    await expect(run).rejects.toThrow('sleep ran longer than its limit of 0.2 s');
  });
});
