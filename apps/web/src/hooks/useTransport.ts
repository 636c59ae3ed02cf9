import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ClockState, TransportCommand } from '@liveline/protocol';
import { openChannel, transportClock } from '../lib/liveline';

/** The transport as of its last change (not per tick), and its commands. */
export interface TransportControls {
  /** The clock tick of the last play/pause/seek/tempo/loop change; null before the first. */
  readonly anchor: ClockState | null;
  readonly send: (command: TransportCommand) => void;
}

/**
 * The DAW transport: commands over `/ws/transport`, state from the clock's anchor, so React
 * renders on transport changes only, never on the 30 Hz ticks.
 */
export function useTransport(): TransportControls {
  const channel = useMemo(() => openChannel('transport'), []);
  const clock = transportClock();
  useEffect(() => channel.subscribe(() => {}), [channel]);
  const subscribe = useCallback((listener: () => void) => clock.subscribe(listener), [clock]);
  const sync = useSyncExternalStore(subscribe, () => clock.getState());
  const send = useMemo(
    // Seeks and tempo changes coalesce while offline: only the newest matters.
    () => (command: TransportCommand) =>
      void channel.send(
        command,
        command.type === 'seek' || command.type === 'tempo' ? { key: command.type } : {},
      ),
    [channel],
  );
  return { anchor: sync.anchor, send };
}
