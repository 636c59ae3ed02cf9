import type { PeerKind } from './Endpoint.js';

/** What the orchestrator asks a load-generator process to do against one server. */
export type LoadJob =
  | {
      readonly kind: 'fanout';
      readonly peer: PeerKind;
      readonly port: number;
      readonly clients: number;
      readonly rate: number;
      readonly durationMs: number;
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
      readonly kind: 'reconnect-storm';
      readonly peer: PeerKind;
      readonly port: number;
      readonly clients: number;
      readonly rate: number;
      readonly timeoutMs: number;
    };

/** Numbers a job reports (milliseconds, counts, ratios); which ones depends on the job. */
export type LoadResult = Readonly<Record<string, number>>;

/** Messages from the orchestrator: the job, then `go` once it started measuring, `mark` when it restarts the server. */
export type ToWorker =
  | { readonly type: 'job'; readonly job: LoadJob }
  | { readonly type: 'go' }
  | { readonly type: 'mark' }
  | { readonly type: 'exit' };

/** Messages to the orchestrator: set up, then the job's result (or why it failed). */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly error: string };

/** Every loop of the generator gives up after this long, in ms. */
export const JOB_DEADLINE_MS = 120_000;
