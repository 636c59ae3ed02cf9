import { readFileSync } from 'node:fs';
import { epochNow } from '../peers/createClockState.js';

/** How often the kernel's counter is read, in ms: fine enough for 100 ms buckets. */
const SAMPLE_MS = 5;

/** TCP handshakes the kernel has completed for listening sockets (`Tcp: PassiveOpens`). */
const passiveOpens = (): number => {
  const [names = '', values = ''] = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('Tcp:'));
  return Number(values.split(' ')[names.split(' ').indexOf('PassiveOpens')]);
};

/**
 * Records when TCP connections arrive at any listening socket on this machine, from the kernel's
 * count of completed handshakes: when clients reconnect, whether or not the server's event loop is
 * free to accept them. Every bench client connects over loopback while nothing else does, so the
 * count is the storm's. `stop` returns one epoch-ms time per handshake, at the sample that saw it.
 */
export function recordHandshakes(): { stop: () => number[] } {
  const times: number[] = [];
  let last = passiveOpens();
  const timer = setInterval(() => {
    const now = passiveOpens();
    const at = epochNow();
    for (; last < now; last += 1) times.push(at);
  }, SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return times;
    },
  };
}
