import type { ClockState, TransportCommand } from '@liveline/protocol';
import { useMemo } from 'react';
import type { ClockSyncState } from '../core/clockSync.js';
import type { ConnectionState } from '../core/connectionMachine.js';
import type { SendResult } from '../core/createSocketLoop.js';
import { useChannel } from './useChannel.js';
import { useClockSync } from './useClockSync.js';
import { useConnection } from './useConnection.js';
import { useStore } from './useStore.js';

/** Transport commands; each returns what the outbox did with it. */
export interface TransportControls {
  readonly play: () => SendResult;
  readonly pause: () => SendResult;
  readonly resume: () => SendResult;
  readonly stop: () => SendResult;
  /** Coalesced: while offline only the latest seek is kept. */
  readonly seek: (seconds: number) => SendResult;
  /** Coalesced like `seek`. */
  readonly tempo: (bpm: number) => SendResult;
  readonly loop: (enabled: boolean, startSeconds?: number, endSeconds?: number) => SendResult;
}

/** What {@link useTransport} returns; re-renders on transport changes, never per tick. */
export interface UseTransport extends TransportControls, Omit<ClockSyncState, 'anchor'> {
  /** The transport as of its last change; use `usePlayhead` for the moving position. */
  readonly state: ClockState | null;
  readonly connection: ConnectionState;
}

/** The DAW transport: state from the clock route, commands over the transport route. */
export function useTransport(): UseTransport {
  const channel = useChannel('transport');
  const sync = useClockSync();
  const { anchor, offsetMs, rttMs } = useStore(sync);
  const connection = useConnection(channel);
  const controls = useMemo((): TransportControls => {
    const send = (command: TransportCommand, key?: string) => channel.send(command, { key });
    return {
      play: () => send({ type: 'play' }),
      pause: () => send({ type: 'pause' }),
      resume: () => send({ type: 'resume' }),
      stop: () => send({ type: 'stop' }),
      seek: (seconds) => send({ type: 'seek', time_seconds: seconds }, 'seek'),
      tempo: (bpm) => send({ type: 'tempo', bpm }, 'tempo'),
      // JSON leaves out a field that is undefined, so a bound not given is not sent; the cast is
      // for exactOptionalPropertyTypes.
      loop: (enabled, start, end) =>
        send({ type: 'loop', enabled, start_seconds: start, end_seconds: end } as TransportCommand),
    };
  }, [channel]);
  return { ...controls, state: anchor, offsetMs, rttMs, connection };
}
