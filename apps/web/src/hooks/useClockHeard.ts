import { useEffect, useState } from 'react';
import { useChannel, useConnection } from '@liveline/ws-client/react';

/**
 * How long the clock may go unheard before what it last said is shown as stale: it ticks 30 times
 * a second (PROTOCOL.md C1), so a second is some 30 ticks missed.
 */
export const CLOCK_SILENCE_MS = 1000;

/**
 * Whether the transport clock is heard: its socket open and a tick within
 * {@link CLOCK_SILENCE_MS}. A hung server keeps its socket open until the 25 s heartbeat timeout
 * (H2); the ticks stop at once.
 */
export function useClockHeard(): boolean {
  const channel = useChannel('clock');
  const open = useConnection(channel).status === 'open';
  const [silent, setSilent] = useState(false);
  useEffect(() => {
    let timer = setTimeout(() => setSilent(true), CLOCK_SILENCE_MS);
    const off = channel.onMessage(() => {
      clearTimeout(timer);
      setSilent(false);
      timer = setTimeout(() => setSilent(true), CLOCK_SILENCE_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [channel]);
  return open && !silent;
}
