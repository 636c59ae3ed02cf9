import { epochSchema, seqSchema } from './common.js';
import { anyObject, parse, string, type Result } from './schema.js';

/** The fields of a server message that every client reads, as {@link parseEnvelope} checks them. */
export interface Envelope {
  readonly type?: string;
  readonly seq?: number;
  readonly epoch?: string;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

const typeSchema = string();

const envelope = (input: unknown): Envelope => {
  const { type, seq, epoch, data } = anyObject(input, '');
  if (type !== undefined) typeSchema(type, 'type');
  if (data !== undefined) anyObject(data, 'data');
  // Both or neither: resuming needs a whole position (rules R1, R3).
  if (seq !== undefined || epoch !== undefined) {
    seqSchema(seq, 'seq');
    epochSchema(epoch, 'epoch');
  }
  return input as Envelope;
};

/**
 * Checks what every client checks on every frame (rule E3): a JSON object whose `type` is a
 * string, whose `data` is an object, and whose `seq`/`epoch`, when it has them, are a valid
 * position. Returns the input itself, every key kept; the route's full schema is `wsMessages`.
 */
export function parseEnvelope(input: unknown): Result<Envelope> {
  return parse(envelope, input);
}
