import { epochSchema } from './common.js';
import { queryParam, readQuery, type QueryString } from './queryParams.js';
import type { ResumePosition } from './resume.js';
import { ValidationError, parse } from './schema.js';
import { RESUME_QUERY } from './wsRoutes.js';

/** The query parameters an ordered route reads to resume (rule R3). */
export const RESUME_PARAMS = {
  [RESUME_QUERY.epoch]: queryParam('the epoch of an earlier snapshot (1–64 characters)', (text) =>
    parse(epochSchema, text).ok ? text : undefined,
  ),
  [RESUME_QUERY.seq]: queryParam('a non-negative integer', (text) =>
    /^\d{1,15}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined,
  ),
};

/** Parses a resume position from a query string (rule R3); absent is `null`, twice is refused (P4). */
export function parseResumeQuery(
  search: QueryString,
): { ok: true; value: ResumePosition | null } | { ok: false; error: ValidationError } {
  const read = parse((input) => readQuery(RESUME_PARAMS, input as QueryString), search);
  if (!read.ok) return read;
  const { epoch, seq } = read.value;
  if (epoch === undefined && seq === undefined) return { ok: true, value: null };
  if (epoch === undefined || seq === undefined)
    return {
      ok: false,
      error: new ValidationError(
        'invalid_field',
        epoch === undefined ? RESUME_QUERY.epoch : RESUME_QUERY.seq,
        'is required to resume',
      ),
    };
  return { ok: true, value: { epoch, seq } };
}
