import { epochSchema } from './common.js';
import { queryParam, schemaParam, type QueryValues } from './queryParams.js';
import type { ResumePosition } from './resume.js';
import { ValidationError } from './schema.js';
import { RESUME_QUERY } from './wsRoutes.js';

/** The query parameters an ordered route reads to resume (rule R3). */
export const RESUME_PARAMS = {
  [RESUME_QUERY.epoch]: schemaParam(
    'the epoch of an earlier snapshot (1–64 characters)',
    epochSchema,
  ),
  [RESUME_QUERY.seq]: queryParam('a non-negative integer', (text) =>
    /^\d{1,15}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined,
  ),
};

/** The parameters of {@link RESUME_PARAMS}: every ordered route's query carries them. */
export type ResumeParams = typeof RESUME_PARAMS;

/**
 * The resume position of an ordered route's validated query (rule R3): `null` when it carries
 * neither param; throws a {@link ValidationError} naming the missing one when it carries one.
 */
export function resumePositionOf({ epoch, seq }: QueryValues<ResumeParams>): ResumePosition | null {
  if (epoch === undefined && seq === undefined) return null;
  if (epoch === undefined || seq === undefined)
    throw new ValidationError(
      'invalid_field',
      epoch === undefined ? RESUME_QUERY.epoch : RESUME_QUERY.seq,
      'is required to resume',
    );
  return { epoch, seq };
}
