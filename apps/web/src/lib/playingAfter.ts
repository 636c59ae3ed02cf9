import type { TransportCommand } from '@liveline/protocol';

/** Whether the transport will be playing once `commands` apply, from `playing` now (rule C4). */
export function playingAfter(commands: readonly TransportCommand[], playing: boolean): boolean {
  return commands.reduce((now, { type }) => {
    if (type === 'play' || type === 'resume') return true;
    if (type === 'pause' || type === 'stop') return false;
    return now;
  }, playing);
}
