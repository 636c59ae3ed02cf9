import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';

/** How often rooms whose publish failed are seeded again, in ms. */
const REPUBLISH_INTERVAL_MS = 1_000;

/** Rooms with stored events the broker may lack, seeded again until it has them. */
export interface Republisher {
  /**
   * Remembers that `room` has an acknowledged event whose publish failed, or an append whose reply
   * was lost (it may have stored an event nobody published).
   */
  add(room: string): void;
  /** Forgets every room and stops retrying. */
  stop(): void;
}

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
  const later = (): void => {
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
  return {
    add(room) {
      owed.add(room);
      later();
    },
    stop() {
      owed.clear();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
