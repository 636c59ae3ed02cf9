import type { AgentStatus } from '@liveline/protocol';

/**
 * One node's share of the coordinator metrics (PROTOCOL.md CM1): what only it knows. The
 * metrics and the agents' statuses every node serves merge every live node's slice.
 */
export interface MetricsSlice {
  /** Its agents' statuses. */
  readonly agents: readonly AgentStatus[];
  /** Its connected sockets. */
  readonly connected_clients: number;
  /** Its newest stage latencies in ms (at most 500). */
  readonly stage_latencies_ms: readonly number[];
  /** When each workflow it completed in the last minute completed (epoch ms). */
  readonly completed_at: readonly number[];
}

/** How a node's {@link MetricsSlice} reaches the other nodes, and theirs reach it (CM1, CM2). */
export interface MetricsSlices {
  /** Hands on this node's slice now (at the metrics' pace); an unchanged slice is not sent again. */
  share(slice: MetricsSlice): void;
  /** The other live nodes' slices, as last read. */
  others(): readonly MetricsSlice[];
  /** Calls `onChange` when {@link MetricsSlices.others} changed. */
  listen(onChange: () => void): void;
}

const NONE: readonly MetricsSlice[] = [];

/** The embedded node's slices: there is no other node, its metrics are its own slice. */
export const ONLY_THIS_NODE: MetricsSlices = {
  share: () => undefined,
  others: () => NONE,
  listen: () => undefined,
};
