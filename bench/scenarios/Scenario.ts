import type { PeerKind } from '../load/Endpoint.js';
import type { LoadJob } from '../load/LoadJob.js';
import type { Measurement } from './measureOnce.js';

/** A ratio target of issue 7: `of`'s `metric` divided by `vs`'s must be at most `max`. */
export interface RatioTarget {
  /** The server measured against `vs`. @default 'liveline' */
  readonly of?: PeerKind;
  readonly metric: string;
  readonly vs: PeerKind;
  readonly max: number;
}

/** One scenario at one size, run the same way against every server. */
export interface Scenario {
  /** e.g. `fanout 1000×50`. */
  readonly label: string;
  /** One job per load-generator process. */
  readonly jobs: (peer: PeerKind, port: number) => readonly LoadJob[];
  /** The columns reported for a run, in order. */
  readonly metrics: (m: Measurement) => Readonly<Record<string, number>>;
  readonly targets: readonly RatioTarget[];
}
