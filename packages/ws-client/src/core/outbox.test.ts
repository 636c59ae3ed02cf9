import { OUTBOX_MAX_COUNT } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createOutbox, DEFAULT_OUTBOX } from './outbox.js';

const texts = (outbox: ReturnType<typeof createOutbox>, now = 0) => {
  const out: string[] = [];
  outbox.flush(now, (t) => out.push(t));
  return out;
};

describe('outbox', () => {
  it('L4 holds by default as many messages as the protocol says, which the server’s default burst admits', () => {
    expect(DEFAULT_OUTBOX.maxCount).toBe(OUTBOX_MAX_COUNT);
  });

  it('flushes in the order messages were queued', () => {
    const outbox = createOutbox();
    for (const t of ['a', 'b', 'c']) outbox.push({ text: t }, 0, 0);
    expect(outbox.size()).toBe(3);
    expect(texts(outbox)).toEqual(['a', 'b', 'c']);
    expect(outbox.size()).toBe(0);
  });

  it('drops the oldest when full by count, and says so', () => {
    const onDrop = vi.fn();
    const outbox = createOutbox({ maxCount: 2 }, onDrop);
    for (const t of ['a', 'b', 'c']) expect(outbox.push({ text: t }, 0, 0)).toBe('queued');
    expect(texts(outbox)).toEqual(['b', 'c']);
    expect(onDrop).toHaveBeenCalledWith(
      expect.objectContaining({ text: 'a' }),
      expect.objectContaining({ code: 'dropped' }),
    );
  });

  it('drops the oldest for room as `timeout` when it was written (it may have been applied), `dropped` when not', () => {
    const dropped: [string, string][] = [];
    const outbox = createOutbox({ maxCount: 1 }, (m, e) => dropped.push([m.text, e.code]));
    outbox.push({ text: 'written', id: 'o1' }, 0, 1);
    outbox.push({ text: 'queued' }, 0, 0);
    outbox.push({ text: 'newest' }, 0, 0);
    expect(dropped).toEqual([
      ['written', 'timeout'],
      ['queued', 'dropped'],
    ]);
  });

  it('rejects the newest when full and the policy is reject (never silently)', () => {
    const outbox = createOutbox({ maxCount: 2, overflow: 'reject' });
    outbox.push({ text: 'a' }, 0, 0);
    outbox.push({ text: 'b' }, 0, 0);
    expect(outbox.push({ text: 'c' }, 0, 0)).toBe('rejected');
    expect(texts(outbox)).toEqual(['a', 'b']);
  });

  it('bounds UTF-8 bytes, and rejects a message bigger than the whole budget', () => {
    const outbox = createOutbox({ maxBytes: 8 });
    outbox.push({ text: 'éé' }, 0, 0); // 4 bytes
    outbox.push({ text: 'abcd' }, 0, 0);
    outbox.push({ text: 'xy' }, 0, 0);
    expect(texts(outbox)).toEqual(['abcd', 'xy']);
    expect(outbox.push({ text: '123456789' }, 0, 0)).toBe('rejected');
  });

  it('expires messages past their deadline: `expired` if never written, `timeout` if written and unanswered', () => {
    const dropped: [string, string][] = [];
    const outbox = createOutbox({ ttlMs: 1000 }, (m, e) => dropped.push([m.text, e.code]));
    outbox.push({ text: 'old' }, 0, 0);
    outbox.push({ text: 'old sent', id: 'o1' }, 0, 1);
    outbox.push({ text: 'custom', expiresAt: 5000 }, 0, 0);
    outbox.push({ text: 'new' }, 900, 0);
    expect(texts(outbox, 1500)).toEqual(['custom', 'new']);
    expect(dropped).toEqual([
      ['old', 'expired'],
      ['old sent', 'timeout'],
    ]);
  });

  it('coalesces by key: the latest seek replaces older queued ones and goes last', () => {
    const outbox = createOutbox();
    outbox.push({ text: 'seek 1', key: 'seek' }, 0, 0);
    outbox.push({ text: 'play' }, 0, 0);
    outbox.push({ text: 'seek 2', key: 'seek' }, 0, 0);
    expect(texts(outbox)).toEqual(['play', 'seek 2']);
  });

  it('keeps messages with an operation id until acknowledged, and re-sends them first', () => {
    const outbox = createOutbox();
    outbox.push({ text: 'op1', id: 'op1' }, 0, 0);
    outbox.push({ text: 'plain' }, 0, 0);
    expect(texts(outbox)).toEqual(['op1', 'plain']);
    outbox.push({ text: 'op2', id: 'op2' }, 0, 0);
    expect(outbox.size()).toBe(2);
    expect(texts(outbox)).toEqual(['op1', 'op2']);
    outbox.ack('op1');
    expect(texts(outbox)).toEqual(['op2']);
  });

  it('ack says how many writes of the operation may have been applied (0: none)', () => {
    const outbox = createOutbox();
    outbox.push({ text: 'op1', id: 'op1' }, 0, 0);
    outbox.push({ text: 'op2', id: 'op2' }, 0, 1);
    expect([outbox.ack('op1'), outbox.ack('op2'), outbox.ack('op3')]).toEqual([0, 1, undefined]);
  });
});
