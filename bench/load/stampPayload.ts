/** A publisher message's identity: its publish counter and its send time (`performance.now()`). */
export interface Stamp {
  readonly p: number;
  readonly t: number;
}

/**
 * The text a publisher sends: the stamp padded to `length` characters, so every server's
 * delivered frame is about 250 bytes once wrapped in its own envelope.
 */
export function stampPayload(stamp: Stamp, length: number): string {
  const head = `p=${stamp.p};t=${stamp.t.toFixed(3)};`;
  return head.padEnd(length, 'x');
}

/** Reads a stamp back from {@link stampPayload}'s text; `null` when it is not one. */
export function readStamp(text: string): Stamp | null {
  const found = /^p=(\d+);t=([\d.]+);/.exec(text);
  return found ? { p: Number(found[1]), t: Number(found[2]) } : null;
}
