import type { Channel } from '@liveline/ws-client';

/**
 * Calls `shown` once the board on `channel` includes seq `seq` of the epoch it has now: at once
 * when it does already, else at the message that brings it there, or when the channel is released
 * (idle) first. A released channel drops its position, so its next holder gets a snapshot, which
 * includes the event; this object may never hear it. A snapshot of another epoch counts, as the
 * server's board it shows is the board now. Passive: it keeps no socket open.
 */
export function whenShown(channel: Channel<'board'>, seq: number, shown: () => void): void {
  const epoch = channel.resumePosition()?.epoch;
  const there = () => {
    const position = channel.resumePosition();
    return !position || position.epoch !== epoch || position.seq >= seq;
  };
  if (there()) return shown();
  const check = () => {
    if (!there() && channel.getState().status !== 'idle') return;
    stopMessages();
    stopState();
    shown();
  };
  const stopMessages = channel.onMessage(check, true);
  const stopState = channel.subscribe(check, true);
}
