import { backoff, type BackoffOptions } from '@liveline/ws-client';
import { askAboutDoubts } from './askAboutDoubts';

/** How many times questions the server could not answer are asked again. */
export const ASK_AGAIN_TIMES = 4;

/**
 * The waits before asking again, full jitter up to 20, 40, 80 and 160 s: at most 5 min in all,
 * inside the 9 min a change is asked about (RESEND_WITHIN_MS), and spread so that the pages a
 * server turned away (503) do not all come back at once.
 */
const ASK_AGAIN_BACKOFF: BackoffOptions = {
  baseMs: 20_000,
  capMs: 160_000,
  floorMs: 2_000,
  restartMs: 0,
};

/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * Asks about board `boardId`'s doubts ({@link askAboutDoubts}) and, while the server could not
 * answer some question (a network error, a 503), asks again after a growing wait, at most
 * {@link ASK_AGAIN_TIMES} times, until `signal` aborts: the page aborts it when the board's socket
 * leaves `open`, whose next opening asks anew. `wait` and `random` are the clock and the jitter.
 */
export async function keepAskingAboutDoubts(
  boardId: string,
  signal: AbortSignal,
  wait: (ms: number, signal: AbortSignal) => Promise<void> = pause,
  random: () => number = Math.random,
): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt += 1) {
    const unanswered = await askAboutDoubts(boardId);
    if (unanswered === 0 || attempt === ASK_AGAIN_TIMES || signal.aborted) return;
    await wait(backoff(attempt, random, ASK_AGAIN_BACKOFF), signal);
  }
}
