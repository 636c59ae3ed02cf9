import { OUTBOX_TTL_MS } from '@liveline/protocol';
import type { Environment } from '@liveline/ws-client';

/**
 * A client clock whose waits of the outbox's TTL or longer run only when the test passes the TTL
 * (a fake for time); shorter ones, such as the heartbeat's, run for real.
 */
export function ttlClock() {
  let skew = 0;
  const due = new Set<() => void>();
  const environment: Partial<Environment> = {
    now: () => performance.timeOrigin + performance.now() + skew,
    setTimeout(run, ms) {
      if (ms < OUTBOX_TTL_MS) return setTimeout(run, ms);
      due.add(run);
      return run;
    },
    clearTimeout: (handle) =>
      typeof handle === 'function'
        ? due.delete(handle as () => void)
        : clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const passTtl = () => {
    skew += OUTBOX_TTL_MS;
    const runs = [...due];
    due.clear();
    runs.forEach((run) => run());
  };
  return { environment, passTtl };
}
