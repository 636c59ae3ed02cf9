import type { Presence } from '@liveline/protocol';

/**
 * How a node's people on a board reach the other nodes, and theirs reach it: each node owns its
 * slice of a board's presence, and a summary counts every live node's (PROTOCOL.md PS1, PS2).
 */
export interface PresenceSlices {
  /**
   * Hands on this node's people on a board (client id → name; empty when nobody is left). True
   * when the board is new here and the other nodes' people are still to be read: `listen` is
   * called with it once they are, or once reading them failed (PS3).
   */
  share(boardId: string, people: ReadonlyMap<string, string>): boolean;
  /** The people of the other live nodes on a board, as last read. */
  others(boardId: string): readonly Presence[];
  /** Calls `onChange` with a board whose {@link PresenceSlices.others} changed. */
  listen(onChange: (boardId: string) => void): void;
}

const NOBODY: readonly Presence[] = [];

/** The embedded node's slices: there is no other node. */
export const NO_OTHER_NODES: PresenceSlices = {
  share: () => false,
  others: () => NOBODY,
  listen: () => undefined,
};
