import { array, object, opIdSchema, optional, parse } from '@liveline/protocol';

/**
 * How many of the newest commands' op ids the anchor keeps (rule C5). A command is sent again
 * within seconds (ws-client's retry of `unavailable`, its outbox after a reconnect), while this
 * many commands are minutes of presses; at 64 characters each the row stays under 5 KB.
 */
export const ANCHOR_OP_IDS_KEPT = 64;

const storedOpIds = object({ op_ids: optional(array(opIdSchema)) });

/** The op ids a stored anchor value says were applied, newest last (none in an older anchor). */
export function appliedOpIds(value: unknown): readonly string[] {
  const parsed = parse(storedOpIds, value);
  return parsed.ok ? (parsed.value.op_ids ?? []) : [];
}

/** `opIds` with `opId` applied after them, the oldest let go past {@link ANCHOR_OP_IDS_KEPT}. */
export const withOpId = (opIds: readonly string[], opId: string | undefined): readonly string[] =>
  opId === undefined ? opIds : [...opIds, opId].slice(-ANCHOR_OP_IDS_KEPT);
