/** Bytes of the header of a server text frame carrying `length` payload bytes. */
const headerLength = (length: number): number => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/**
 * Encodes `text` straight into one whole WebSocket text frame: FIN, opcode 1, unmasked (RFC 6455
 * §5.2). The broker keeps and delivers these bytes without knowing what they are, so a broadcast
 * or a history entry holds its bytes once, and each socket writes the ready frame with one plain
 * write, where `ws` would build a header and cork, write twice and uncork for each of them.
 */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = headerLength(length);
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
  frame.write(text, header);
  return frame;
}
