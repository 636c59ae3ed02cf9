import {
  epochMsSchema,
  epochSchema,
  ERROR_CODES,
  opIdSchema,
  RESUME_LOST_REASONS,
  seqSchema,
} from './common.js';
import {
  boolean,
  number,
  object,
  oneOf,
  optional,
  string,
  tagged,
  type Infer,
  type Schema,
} from './schema.js';

// The messages every route shares. They live apart from common.ts, which every client bundle
// includes for its constants: esbuild honours `@__NO_SIDE_EFFECTS__` only in the file that declares
// the factory (evanw/esbuild#4369), so it keeps every schema built at the top of an included file.

const errorData = object({
  code: oneOf(ERROR_CODES),
  message: string({ max: 1000 }),
  field: optional(string({ max: 200 })),
  op_id: optional(opIdSchema),
});
/** The payload of an `error` message. */
export type ErrorData = Infer<typeof errorData>;

/** Server messages every route may send (`error`, `ack`, `heartbeat`, `time_sync`). */
export const serverControlVariants = {
  error: { data: errorData },
  ack: {
    data: object({ op_id: opIdSchema, seq: optional(seqSchema), duplicate: optional(boolean) }),
  },
  heartbeat: { data: object({ server_time: epochMsSchema }) },
  time_sync: {
    data: object({ id: number({ min: 0, int: true }), t0: number(), t1: number(), t2: number() }),
  },
};

/** Client messages every route accepts: a clock-sync probe (rule T1). */
export const clientControlVariants = {
  time_sync: { id: number({ min: 0, int: true }), t0: number() },
};

/**
 * The variants an ordered route adds around its domain snapshot: the first message after connect
 * is either `snapshot` or `resumed` (rules R2–R7).
 */
/* @__NO_SIDE_EFFECTS__ */
export function orderedControlVariants<S>(snapshot: Schema<S>) {
  return {
    snapshot: {
      seq: seqSchema,
      epoch: epochSchema,
      data: snapshot,
      recovered: optional(oneOf([false])),
      reason: optional(oneOf(RESUME_LOST_REASONS)),
    },
    resumed: {
      seq: seqSchema,
      epoch: epochSchema,
      data: object({ replayed: number({ min: 0, int: true }) }),
    },
  };
}

/** The shape of an ordered event whose payload is `data`. */
/* @__NO_SIDE_EFFECTS__ */
export function ordered<T>(data: Schema<T>) {
  return { seq: seqSchema, epoch: epochSchema, data };
}

/** Client messages of a route that takes no commands. */
export const clientControlMessage = tagged('type', clientControlVariants);
/** A client message of a route that takes no commands. */
export type ClientControlMessage = Infer<typeof clientControlMessage>;
