/** Frames already built, by the payload they carry; a broadcast's payload is collected with it. */
const built = new WeakMap<Buffer, Buffer>();

/** Bytes of the header of a server text frame carrying `length` payload bytes. */
const headerLength = (length: number): number => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** A text frame of `length` payload bytes, header written: FIN, opcode 1, unmasked (RFC 6455 §5.2). */
function allocFrame(length: number): Buffer {
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  return frame;
}

/**
 * Encodes `text` straight into a whole text frame and returns its payload (a view into the
 * frame), so {@link wireFrame} finds the frame without copying: a broadcast or a history entry
 * then holds its bytes once.
 */
export function encodeText(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const frame = allocFrame(length);
  const header = frame.length - length;
  frame.write(text, header);
  const payload = frame.subarray(header);
  built.set(payload, frame);
  return payload;
}

/**
 * The text frame carrying `payload`, built once per payload (at once for {@link encodeText}'s). A
 * broadcast hands the same bytes to every socket, so each writes a ready frame with one plain
 * write, where `ws` would build a header and cork, write twice and uncork for each of them.
 */
export function wireFrame(payload: Buffer): Buffer {
  let frame = built.get(payload);
  if (!frame) {
    frame = allocFrame(payload.length);
    payload.copy(frame, frame.length - payload.length);
    built.set(payload, frame);
  }
  return frame;
}
