import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRefusalGrace } from './createRefusalGrace.js';

const LIMITS = { maxConnections: 1, maxConnectionsPerIp: 1 };

describe('createRefusalGrace', () => {
  it('L5 a socket already closed when refused gets no grace and takes no place, which its close, come and gone, could never give back', async () => {
    const graceFor = createRefusalGrace(LIMITS, 50);
    const gone = new PassThrough();
    const closed = new Promise((resolve) => gone.once('close', resolve));
    gone.destroy();
    await closed;
    expect(graceFor(gone, '192.0.2.1')).toBe(0);
    expect(graceFor(new PassThrough(), '192.0.2.1')).toBe(50);
  });

  it('L5 a refused socket holds its place until it closes, then gives it back', async () => {
    const graceFor = createRefusalGrace(LIMITS, 50);
    const first = new PassThrough();
    expect(graceFor(first, '192.0.2.1')).toBe(50);
    expect(graceFor(new PassThrough(), '192.0.2.2')).toBe(0);
    const closed = new Promise((resolve) => first.once('close', resolve));
    first.destroy();
    await closed;
    expect(graceFor(new PassThrough(), '192.0.2.2')).toBe(50);
  });
});
