import {
  agentStatusSchema,
  array,
  epochMsSchema,
  number,
  object,
  parse,
  parseJson,
} from '@liveline/protocol';
import type { MetricsSlice, MetricsSlices } from '../domains/workflow/MetricsSlices.js';
import { createNodeSlices, type NodeSlice } from './createNodeSlices.js';
import type { RedisLatestBus } from './createRedisLatestBus.js';

/**
 * How long a node's metrics slice lives in Redis without a heartbeat (PROTOCOL.md CM2): the
 * agents, clients and completions of a node that died leave the others' metrics at most
 * {@link METRICS_EXPIRY_MS} + {@link METRICS_HEARTBEAT_MS} after it died.
 */
export const METRICS_EXPIRY_MS = 5_000;
/** How often a node extends its metrics slice and reads the other nodes'. */
export const METRICS_HEARTBEAT_MS = 1_000;
const TOPIC = 'coordinator';
const FIELD = 'slice';

const sliceSchema = object({
  agents: array(agentStatusSchema),
  connected_clients: number({ min: 0, int: true }),
  stage_latencies_ms: array(number({ min: 0 })),
  completed_at: array(epochMsSchema),
});

/** A slice as another node wrote it, or `null` if it is not one (a node of another version). */
const sliceOf = (text: string | undefined): MetricsSlice | null => {
  const json = parseJson(text ?? '');
  const slice = json.ok ? parse(sliceSchema, json.value) : null;
  return slice?.ok ? slice.value : null;
};

/** {@link MetricsSlices} of a cluster node, and a way to take its slice away when it stops. */
export interface RedisMetricsSlices extends MetricsSlices {
  /** Removes this node's slice and stops the heartbeat. */
  close(): Promise<void>;
}

/**
 * The cluster's {@link MetricsSlices} (see {@link createNodeSlices}): each node's slice is one
 * JSON field of its hash, written when it changed. The other nodes' slices count only while they
 * were read within the expiry: without Redis, a node's metrics soon are its own (CM2).
 */
export function createRedisMetricsSlices(deps: {
  readonly bus: RedisLatestBus;
  readonly nodeId: string;
}): RedisMetricsSlices {
  const slices = createNodeSlices({
    ...deps,
    name: 'metrics',
    expiryMs: METRICS_EXPIRY_MS,
    heartbeatMs: METRICS_HEARTBEAT_MS,
  });
  let shared = '';
  // Parsed once per read that changed them, not on every agent change.
  let readFrom: readonly NodeSlice[] = [];
  let others: readonly MetricsSlice[] = [];
  return {
    share(slice) {
      const text = JSON.stringify(slice);
      if (text === shared) return;
      shared = text;
      slices.share(TOPIC, new Map([[FIELD, text]]));
    },
    others() {
      if (Date.now() - slices.readAt(TOPIC) > METRICS_EXPIRY_MS) return [];
      const read = slices.others(TOPIC);
      if (read !== readFrom) {
        readFrom = read;
        others = read.flatMap(({ fields }) => {
          const slice = fields[0] === FIELD ? sliceOf(fields[1]) : null;
          return slice ? [slice] : [];
        });
      }
      return others;
    },
    listen: (listener) => slices.listen(() => listener()),
    close: () => slices.close(),
  };
}
