/**
 * The `rooms` row that holds the epoch of every room nothing was appended to (PROTOCOL.md R1,
 * SEQ5). Such a room has no row, so that joining or reading any number of ids writes nothing;
 * its head is seq 0 of this epoch, and the append that gives it seq 1 in this epoch stores it.
 * The epoch is a row of the table, not a constant, so that a restore, which gives every row a new
 * epoch (`liveline backup`, the documented PostgreSQL restore), gives the rooms that were empty
 * then one too, and so that retention can move it on when it deletes a run born in it (G3). No
 * room is named without a `kind:` prefix.
 */
export const UNBORN_ROOMS = '(unborn rooms)';

/**
 * The head of the room bound to `param` (`?` or `$1`): its row's, or seq 0 of the unborn epoch.
 * One statement, the same in SQLite and PostgreSQL.
 */
export const readHeadSql = (param: string): string =>
  `SELECT coalesce(r.epoch, u.epoch) AS epoch, coalesce(r.head_seq, 0) AS head_seq
   FROM rooms u LEFT JOIN rooms r ON r.room = ${param} WHERE u.room = '${UNBORN_ROOMS}'`;
