import type { IncomingMessage } from 'node:http';
import { parseJson, type Result } from '@liveline/protocol';

/** The largest HTTP request body accepted, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Reads a request body as JSON; `null` result value means the body was too large. */
export async function readJsonBody(req: IncomingMessage): Promise<Result<unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return parseJson(Buffer.concat(chunks).toString('utf8'));
}
