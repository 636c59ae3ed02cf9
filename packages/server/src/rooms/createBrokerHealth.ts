import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';

/** The broker's health as `/health` reports it. */
export type BrokerStatus =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: string;
      /**
       * Writes are still stored and acknowledged: Redis is out of memory, so their publish fails
       * and is retried until Redis takes it. Otherwise they are refused `unavailable` (S2).
       */
      readonly takesWrites?: true;
    };

/**
 * What degrades a Redis broker: an `outage` (Redis or a connection to it lost, or Redis unable to
 * serve anyone) refuses writes; `out_of_memory` (Redis refusing writes, OOM) still takes them.
 */
export type BrokerCause = 'outage' | 'out_of_memory';

/** The causes degrading a broker now, made by {@link createBrokerHealth}. */
export interface BrokerHealth {
  /** `cause` started with `error`; logged as `broker.error` unless it is on already. */
  begin(cause: BrokerCause, error: unknown): void;
  /** `cause` is over; logged as `broker.recovered` if it was on. */
  end(cause: BrokerCause): void;
  /** An outage before Redis out of memory, since it refuses writes. */
  status(): BrokerStatus;
}

/**
 * The one place a broker's causes are kept: each is reported by the error that started it, and
 * logged once when it starts and once when it ends, naming the cause, since two may overlap (an
 * outage that ends while Redis is still out of memory leaves the broker degraded).
 */
export function createBrokerHealth(log: Logger): BrokerHealth {
  const errors = new Map<BrokerCause, string>();
  return {
    begin(cause, error) {
      if (errors.has(cause)) return;
      errors.set(cause, `redis: ${errorMessage(error)}`);
      log.error('broker.error', { engine: 'redis', cause, error: errorMessage(error) });
    },
    end(cause) {
      if (errors.delete(cause)) log.info('broker.recovered', { engine: 'redis', cause });
    },
    status() {
      const outage = errors.get('outage');
      if (outage !== undefined) return { ok: false, error: outage };
      const full = errors.get('out_of_memory');
      return full === undefined ? { ok: true } : { ok: false, error: full, takesWrites: true };
    },
  };
}
