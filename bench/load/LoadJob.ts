import type { PeerKind } from './Endpoint.js';

/** What the orchestrator asks a load-generator process to do against one server. */
export type LoadJob =
  | {
      readonly kind: 'fanout';
      readonly peer: PeerKind;
      /** The publisher's server. */
      readonly port: number;
      readonly clients: number;
      readonly rate: number;
      readonly durationMs: number;
      /** Servers the clients are dealt to in turn (cluster nodes); `[port]` when absent. */
      readonly receiverPorts?: readonly number[];
      /**
       * Publishing at `rate` before the measurement, in ms, until every client has those messages
       * (cluster-fanout), so that the servers' code is compiled when metering starts. @default 0
       */
      readonly warmupMs?: number;
    }
  | {
      /** One op at a time, the next once every client has the last (event-cost). */
      readonly kind: 'closed-loop';
      readonly peer: PeerKind;
      /** The publisher's server. */
      readonly port: number;
      /** At least 1: the loop paces itself by what the clients receive. */
      readonly clients: number;
      /** Unmetered ops first, so that the servers' code is compiled when metering starts. */
      readonly warmupOps: number;
      readonly ops: number;
      /** A pause after each delivered op, in ms, so the servers go idle between events as at a steady rate. */
      readonly pauseMs: number;
      /** Servers the clients are dealt to in turn; `[port]` when absent. */
      readonly receiverPorts?: readonly number[];
    }
  | {
      readonly kind: 'tick30';
      readonly peer: PeerKind;
      readonly port: number;
      readonly clients: number;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'connect-storm';
      readonly peer: PeerKind;
      readonly port: number;
      readonly clients: number;
    }
  | {
      readonly kind: 'echo-rtt';
      readonly peer: PeerKind;
      readonly port: number;
      readonly count: number;
    }
  | {
      /** One shard of the storm's clients; the storm runs in several generator processes. */
      readonly kind: 'reconnect-storm';
      readonly peer: PeerKind;
      readonly port: number;
      readonly clients: number;
      /** Whether this shard also runs the publisher (exactly one shard does). */
      readonly publishes: boolean;
      readonly rate: number;
      readonly timeoutMs: number;
    };

/** Numbers a job reports (milliseconds, counts, ratios); which ones depends on the job. */
export type LoadResult = Readonly<Record<string, number>>;

/**
 * What one reconnect-storm shard saw, raw, so the orchestrator can merge the shards: lost
 * messages are counted against what reached any client of any shard.
 */
export interface StormShard {
  /** Per client, when it was back after the restart (epoch ms, `performance.timeOrigin` based), or null. */
  readonly backAt: readonly (number | null)[];
  /** Per client, the publish counters it received. */
  readonly received: readonly (readonly number[])[];
  /** Messages this shard published (0 unless it runs the publisher). */
  readonly published: number;
  /** Socket opens, first ones included. */
  readonly opens: number;
}

/** What a generator process reports when its job is done. */
export type JobOutput =
  | { readonly kind: 'numbers'; readonly result: LoadResult }
  | { readonly kind: 'storm-shard'; readonly shard: StormShard };

/**
 * Messages from the orchestrator: the job, then `go` once it started measuring, `mark` when it
 * restarts the server, `all-back` once every generator said `back`.
 */
export type ToWorker =
  | { readonly type: 'job'; readonly job: LoadJob }
  | { readonly type: 'go' }
  | { readonly type: 'mark' }
  | { readonly type: 'all-back' }
  | { readonly type: 'exit' };

/** Messages to the orchestrator: set up, all its clients back (storm), the output, or why it failed. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'back' }
  | { readonly type: 'done'; readonly output: JobOutput }
  | { readonly type: 'failed'; readonly error: string };

/** Every loop of the generator gives up after this long, in ms. */
export const JOB_DEADLINE_MS = 120_000;
