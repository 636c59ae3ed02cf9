/** Frames already built, by the payload they carry; a broadcast's payload is collected with it. */
const built = new WeakMap<Buffer, Buffer>();

/** A whole WebSocket text frame as a server sends it: FIN, opcode 1, unmasked (RFC 6455 §5.2). */
function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}

/**
 * The text frame carrying `payload`, built once per payload. A broadcast hands the same bytes to
 * every socket, so all but the first write a ready frame with one plain write, where `ws` would
 * build a header and cork, write twice and uncork for each of them.
 */
export function wireFrame(payload: Buffer): Buffer {
  let frame = built.get(payload);
  if (!frame) {
    frame = textFrame(payload);
    built.set(payload, frame);
  }
  return frame;
}
