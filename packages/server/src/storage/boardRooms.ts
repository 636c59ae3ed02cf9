/** What names a board's ordered room: `board:` and the board's id. */
export const BOARD_ROOM_PREFIX = 'board:';

/** The ordered room of a board. */
export const boardRoom = (boardId: string): string => `${BOARD_ROOM_PREFIX}${boardId}`;

/**
 * The seq of the stored board whose room is in the SQL column `room`, or null when it is no
 * board's room or its board is not stored. A board is its document plus the events after this
 * seq (PROTOCOL.md B6), so retention keeps those (G1). One expression, the same in SQLite and
 * PostgreSQL; it looks the board up by the primary key.
 */
export const boardSeqOfRoomSql = (room: string): string =>
  `(SELECT d.seq FROM documents d WHERE d.kind = 'board' AND substr(${room}, 1, ${BOARD_ROOM_PREFIX.length}) = '${BOARD_ROOM_PREFIX}' AND d.id = substr(${room}, ${BOARD_ROOM_PREFIX.length + 1}))`;

/**
 * Gives the boards of a database made before board documents had a seq the seq of their room's
 * head: the previous release stored the board with every event, so it reflects all of them.
 */
export const BOARD_SEQ_UPGRADE_SQL = `UPDATE documents SET seq = coalesce((SELECT r.head_seq FROM rooms r WHERE r.room = '${BOARD_ROOM_PREFIX}' || documents.id), 0) WHERE kind = 'board'`;
