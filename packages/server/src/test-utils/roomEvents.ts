import { expect } from 'vitest';
import type { AppendRequest, Storage } from '../storage/Storage.js';

/** The append of event `seq` in `room`'s `epoch`, its frame carrying non-ASCII text. */
export const roomEvent = (room: string, epoch: string, seq: number): AppendRequest => ({
  room,
  epoch,
  seq,
  frame: `{"seq":${seq},"text":"é ✓ ${room}"}`,
  at: 1_000 + seq,
});

/** Appends `count` events after the head and returns the room's epoch. */
export const appendEvents = async (
  storage: Storage,
  room: string,
  count: number,
): Promise<string> => {
  const { epoch, headSeq } = await storage.readHead(room);
  for (let i = 1; i <= count; i += 1)
    expect(await storage.append(roomEvent(room, epoch, headSeq + i))).toEqual({ kind: 'ok' });
  return epoch;
};
