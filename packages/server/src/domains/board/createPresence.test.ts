import { PRESENCE_LIST_MAX } from '@liveline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryBroker } from '../../rooms/createMemoryBroker.js';
import { createPresence, PRESENCE_FLUSH_MS, PRESENCE_FRAMES_PER_SECOND } from './createPresence.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const setup = () => {
  const broker = createMemoryBroker(
    { maxEvents: 10, maxAgeMs: 1000, maxBytes: 1e6 },
    Date.now,
    (text) => Buffer.from(text),
  );
  const presence = createPresence(broker);
  const frames: { count: number; people: { client_id: string; name: string }[] }[] = [];
  broker.subscribe(presence.room('b'), 'latest', (frame) => {
    const parsed = JSON.parse(frame.toString()) as { data: (typeof frames)[number] };
    frames.push(parsed.data);
  });
  return { broker, presence, frames };
};

describe('presence', () => {
  it('B3 publishes the first change at once and folds a burst into one trailing summary', () => {
    const { presence, frames } = setup();
    presence.set('b', 'c1', 'Ada');
    expect(frames).toEqual([{ count: 1, people: [{ client_id: 'c1', name: 'Ada' }] }]);
    for (let i = 2; i <= 200; i++) presence.set('b', `c${i}`, `Guest ${i}`);
    presence.set('b', 'c1', null);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(PRESENCE_FLUSH_MS);
    expect(frames).toHaveLength(2);
    expect(frames[1]?.count).toBe(199);
    expect(frames[1]?.people).toHaveLength(PRESENCE_LIST_MAX);
    expect(frames[1]?.people[0]).toEqual({ client_id: 'c2', name: 'Guest 2' });
  });

  it('B3 publishes nothing for a change that changes nothing', () => {
    const { presence, frames } = setup();
    presence.set('b', 'c1', 'Ada');
    vi.advanceTimersByTime(PRESENCE_FLUSH_MS);
    presence.set('b', 'c1', 'Ada');
    presence.set('b', 'nobody', null);
    vi.advanceTimersByTime(PRESENCE_FLUSH_MS);
    expect(frames).toHaveLength(1);
  });

  it('B3 the last one leaving publishes an empty summary, and the board starts afresh', () => {
    const { presence, frames } = setup();
    presence.set('b', 'c1', 'Ada');
    vi.advanceTimersByTime(PRESENCE_FLUSH_MS);
    presence.set('b', 'c1', null);
    vi.advanceTimersByTime(PRESENCE_FLUSH_MS);
    presence.set('b', 'c2', 'Grace');
    expect(frames).toEqual([
      { count: 1, people: [{ client_id: 'c1', name: 'Ada' }] },
      { count: 0, people: [] },
      { count: 1, people: [{ client_id: 'c2', name: 'Grace' }] },
    ]);
  });

  it('B3 spaces summaries out on a big board so presence costs at most its frame budget', () => {
    const { broker, presence, frames } = setup();
    const people = 2 * PRESENCE_FRAMES_PER_SECOND;
    for (let i = 1; i < people; i++) broker.subscribe(presence.room('b'), 'latest', () => {});
    presence.set('b', 'c1', 'Ada');
    presence.set('b', 'c2', 'Grace');
    // 10 000 recipients at 5000 frames a second: the trailing summary waits 2 s, not 250 ms.
    vi.advanceTimersByTime(1999);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(frames).toHaveLength(2);
  });
});
