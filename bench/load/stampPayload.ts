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

const STAMP = 'p=(\\d+);t=([\\d.]+);';
const AT_START = new RegExp(`^${STAMP}`);
const IN_JSON_STRING = new RegExp(`"${STAMP}`);

const toStamp = (found: RegExpExecArray | null): Stamp | null =>
  found ? { p: Number(found[1]), t: Number(found[2]) } : null;

/** Reads a stamp back from {@link stampPayload}'s text; `null` when it is not one. */
export function readStamp(text: string): Stamp | null {
  return toStamp(AT_START.exec(text));
}

/**
 * Finds a stamp in a whole JSON frame without parsing it. Fanout receivers handle tens of
 * thousands of frames a second in one process, and must cost less than the servers they measure.
 */
export function findStamp(frame: string): Stamp | null {
  return toStamp(IN_JSON_STRING.exec(frame));
}
