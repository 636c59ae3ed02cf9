import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';

/** How often rooms whose publish failed are seeded again, in ms. */
const REPUBLISH_INTERVAL_MS = 1_000;
/**
 * How long a stop keeps seeding the rooms still owed, in ms: a node stopped during a broker blip
 * (a deploy) would otherwise leave their events out of the broker until the room's next write.
 */
const STOP_BUDGET_MS = 2_000;
/** The pause between two of a stop's attempts, in ms. */
const STOP_RETRY_MS = 100;

/** Rooms with stored events the broker may lack, seeded again until it has them. */
export interface Republisher {
  /**
   * Remembers that `room` has an acknowledged event whose publish failed, or an append whose reply
   * was lost (it may have stored an event nobody published).
   */
  add(room: string): void;
  /**
   * Stops retrying: seeds the rooms still owed for up to {@link STOP_BUDGET_MS} first, then
   * forgets every room (logged when some are left).
   */
  stop(): Promise<void>;
}

const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Creates a {@link Republisher}: every second, while some room is owed, `reseed` copies each such
 * room from storage to the broker. The broker then holds the event, and every subscribed node's
 * position check delivers it: an acknowledged write reaches clients once the broker is back,
 * without waiting for the room's next write.
 */
export function createRepublisher(
  reseed: (room: string) => Promise<void>,
  log: Logger,
): Republisher {
  const owed = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let stopping = false;
  const later = (): void => {
    if (stopping) return;
    timer ??= setTimeout(() => {
      timer = null;
      void retry();
    }, REPUBLISH_INTERVAL_MS);
    timer.unref();
  };
  const retry = async (): Promise<void> => {
    for (const room of [...owed]) {
      try {
        await reseed(room);
        owed.delete(room);
        log.info('event_log.republished', { room });
      } catch (error) {
        log.debug('event_log.republish_failed', { room, error: errorMessage(error) });
      }
    }
    if (owed.size > 0 && timer === null) later();
  };
  /** Retries until nothing is owed; the stop's budget clears what is left, which ends it. */
  const lastAttempts = async (): Promise<void> => {
    while (owed.size > 0) {
      await retry();
      if (owed.size > 0) await pause(STOP_RETRY_MS);
    }
  };
  return {
    add(room) {
      owed.add(room);
      later();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      // A reseed may wait on the room's turn or on storage's timeout: the budget bounds the stop.
      await Promise.race([lastAttempts(), pause(STOP_BUDGET_MS)]);
      if (owed.size > 0) log.warn('event_log.republish_abandoned', { rooms: owed.size });
      owed.clear();
    },
  };
}
