import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';

/**
 * What degrades a Redis broker: an `outage` (Redis or a connection to it lost, or Redis unable to
 * serve anyone) refuses writes; `out_of_memory` (Redis refusing writes, OOM) still takes them;
 * `refused` (Redis refusing the node's user a command it needs, NOPERM: its ACL lacks the node's
 * channels or keys) is configuration, not one call's failure, and still takes writes.
 */
export type BrokerCause = 'outage' | 'out_of_memory' | 'refused';

/** The broker's health as `/health` reports it. */
export type BrokerStatus =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /**
       * Writes are refused `unavailable` only in an `outage`; otherwise they are still stored and
       * acknowledged, their publish failing and retried until Redis takes it (S2).
       */
      readonly cause: BrokerCause;
      readonly error: string;
    };

/**
 * What reports Redis refusing the node's user (NOPERM) to a {@link BrokerHealth}. A right is named
 * by what it covers (`channel <name>`, `commands`, `commands that publish`), so that a call proving
 * one does not end the refusal of another, which a user granted only some of the node's channels,
 * or every command but PUBLISH, still meets.
 */
export interface BrokerRefusals {
  /** Redis refused the node's user `right`: `refused` starts with `error`, unless it is on already. */
  refused(right: string, error: unknown): void;
  /** A call that needs `right` succeeded: `refused` is over once every right refused is proven so. */
  served(right: string): void;
}

/** The causes degrading a broker now, made by {@link createBrokerHealth}. */
export interface BrokerHealth extends BrokerRefusals {
  /** `cause` started with `error`; logged as `broker.error` unless it is on already. */
  begin(cause: BrokerCause, error: unknown): void;
  /** `cause` is over; logged as `broker.recovered` if it was on. */
  end(cause: BrokerCause): void;
  /** An outage first, since it refuses writes; then Redis out of memory, then a refusal. */
  status(): BrokerStatus;
}

/** The causes that still take writes, in the order {@link BrokerHealth.status} reports them. */
const TAKING_WRITES = ['out_of_memory', 'refused'] as const;

/**
 * The one place a broker's causes are kept (its own, and the latest bus's refusals): each is
 * reported by the error that started it, and logged once when it starts and once when it ends,
 * naming the cause, since several may overlap (an outage that ends while Redis is still out of
 * memory leaves the broker degraded).
 */
export function createBrokerHealth(log: Logger): BrokerHealth {
  const errors = new Map<BrokerCause, string>();
  const refusedRights = new Set<string>();
  const begin = (cause: BrokerCause, error: unknown): void => {
    if (errors.has(cause)) return;
    errors.set(cause, `redis: ${errorMessage(error)}`);
    log.error('broker.error', { engine: 'redis', cause, error: errorMessage(error) });
  };
  const end = (cause: BrokerCause): void => {
    if (errors.delete(cause)) log.info('broker.recovered', { engine: 'redis', cause });
  };
  return {
    begin,
    end,
    refused(right, error) {
      refusedRights.add(right);
      begin('refused', error);
    },
    served(right) {
      if (refusedRights.delete(right) && refusedRights.size === 0) end('refused');
    },
    status() {
      const outage = errors.get('outage');
      if (outage !== undefined) return { ok: false, cause: 'outage', error: outage };
      for (const cause of TAKING_WRITES) {
        const error = errors.get(cause);
        if (error !== undefined) return { ok: false, cause, error };
      }
      return { ok: true };
    },
  };
}
