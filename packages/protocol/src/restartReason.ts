/** The shortest window a restarting server asks its clients to spread their return over, in ms. */
export const MIN_RESTART_SPREAD_MS = 1000;

const SPREAD = /reconnect within (\d+) ms/;

/**
 * The reason of the `1012` a restarting server closes every socket with (rule K4): it names the
 * window over which the server wants its clients back, sized by the server to how many it has, so
 * that the whole fleet returns at a rate the server can take.
 */
export function restartReason(spreadMs: number): string {
  return `server restarting; reconnect within ${Math.max(MIN_RESTART_SPREAD_MS, Math.ceil(spreadMs))} ms`;
}

/** The window a `1012` reason asks for (rule K4), or null when it names none. */
export function restartSpreadMs(reason: string): number | null {
  const match = SPREAD.exec(reason);
  return match ? Number(match[1]) : null;
}
