import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { LeaseFence, RunLease, Storage } from '../../storage/Storage.js';

/** Lapsed runs one look takes over at most; the next look (a third of a lease later) finds the rest. */
const TAKEOVERS_PER_LOOK = 16;

/** The fence of a lease: what writes under it are conditioned on (WL3). */
export const fenceOf = (lease: RunLease): LeaseFence => ({
  runId: lease.runId,
  token: lease.token,
});

/** What the owner of runs is told. */
export interface OwnershipHooks {
  /** Another node took a run this node held (WL2, WL3): its work must stop without writing. */
  lost(runId: string): void;
  /** A run's lease lapsed: this node may take it over (WL4). */
  lapsed(runId: string): void;
}

/** The runs this node owns, through the storage's run leases (PROTOCOL.md WL1–WL4). */
export interface RunOwnership {
  /**
   * Takes a run for this node (WL1): its lease, or `null` while another node holds it or once this
   * node began to hand its runs over.
   */
  take(runId: string): Promise<RunLease | null>;
  /** What this node's writes to a run are conditioned on (WL3), while it owns the run. */
  fence(runId: string): LeaseFence | undefined;
  /** Stops owning a run another node took, without writing anything. */
  drop(runId: string): void;
  /** Releases a run that ended (WL4); a failure is logged, and the lapsed lease is released later. */
  release(runId: string): Promise<void>;
  /**
   * Hands one run over now (WL1, WL4): its lease lapses at once, so that a node takes the run over
   * at its next look, and that taking is no resume (W4). A failure is logged, and the lease lapses
   * in its time.
   */
  handOverRun(runId: string): Promise<void>;
  /** Renews the held leases and looks for lapsed ones every third of the lease time. */
  start(hooks: OwnershipHooks): void;
  /**
   * Stops renewing and hands every run over (a clean stop, WL4): its lease lapses now, and the next
   * taking is no resume (W4). A run a taking in flight gets is handed over too, once it has it; no
   * run is taken after. A failure is logged, and that lease lapses in its time, counted as a crash.
   */
  handOver(): Promise<void>;
}

/** Creates this node's {@link RunOwnership}. */
export function createRunOwnership(deps: {
  storage: Storage;
  /** This node's id, the owner named in its leases. */
  node: string;
  leaseMs: number;
  now: () => number;
  log: Logger;
}): RunOwnership {
  const { storage, node, leaseMs, now, log } = deps;
  const held = new Map<string, RunLease>();
  /** Takings in flight, which a handover waits for. */
  const taking = new Set<Promise<RunLease | null>>();
  let timer: NodeJS.Timeout | null = null;
  let handingOver = false;

  /** Ends a lease in storage with `end`; a failure is logged as `event`. */
  const ending =
    (end: (runId: string, token: number) => Promise<void>, event: string) =>
    (lease: RunLease): Promise<void> =>
      end(lease.runId, lease.token).catch((error: unknown) =>
        log.warn(event, { workflow_id: lease.runId, error: errorMessage(error) }),
      );
  const handOverLease = ending(
    (runId, token) => storage.handOverLease(runId, token),
    'workflow.lease_handover_failed',
  );
  const releaseLease = ending(
    (runId, token) => storage.releaseLease(runId, token),
    'workflow.lease_release_failed',
  );
  /** Stops holding a run, and ends its lease with `end`. */
  const letGo = async (runId: string, end: (lease: RunLease) => Promise<void>): Promise<void> => {
    const lease = held.get(runId);
    if (!lease) return;
    held.delete(runId);
    await end(lease);
  };

  const acquire = async (runId: string): Promise<RunLease | null> => {
    const lease = await storage.acquireLease(runId, node, leaseMs, now());
    if (!lease) return null;
    // Taken after the stop began (a restore, a takeover or a start in flight): left to lapse, the
    // taking that follows would count as a crash (W4).
    if (handingOver) {
      await handOverLease(lease);
      return null;
    }
    held.set(runId, lease);
    return lease;
  };

  const renew = async (hooks: OwnershipHooks, lease: RunLease): Promise<void> => {
    let renewed: RunLease | null;
    try {
      renewed = await storage.renewLease(lease, leaseMs, now());
    } catch (error) {
      // Without the database the lease cannot be shown to be ours past its expiry.
      if (now() < lease.expiresAt) return;
      log.warn('workflow.lease_unrenewed', {
        workflow_id: lease.runId,
        error: errorMessage(error),
      });
      renewed = null;
    }
    if (held.get(lease.runId) !== lease) return;
    if (renewed) {
      held.set(lease.runId, renewed);
      return;
    }
    held.delete(lease.runId);
    hooks.lost(lease.runId);
  };

  const look = async (hooks: OwnershipHooks): Promise<void> => {
    await Promise.all([...held.values()].map((lease) => renew(hooks, lease)));
    const lapsed = await storage.lapsedLeases(now(), TAKEOVERS_PER_LOOK).catch(() => []);
    for (const runId of lapsed) if (!held.has(runId)) hooks.lapsed(runId);
  };

  return {
    take(runId) {
      if (handingOver) return Promise.resolve(null);
      const pending = acquire(runId).finally(() => taking.delete(pending));
      taking.add(pending);
      return pending;
    },
    fence(runId) {
      const lease = held.get(runId);
      return lease && fenceOf(lease);
    },
    drop: (runId) => void held.delete(runId),
    release: (runId) => letGo(runId, releaseLease),
    handOverRun: (runId) => letGo(runId, handOverLease),
    start(hooks) {
      const schedule = (): void => {
        timer = setTimeout(() => void look(hooks).finally(() => timer && schedule()), leaseMs / 3);
        timer.unref();
      };
      schedule();
    },
    async handOver() {
      handingOver = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const leases = [...held.values()];
      held.clear();
      await Promise.allSettled([...leases.map(handOverLease), ...taking]);
    },
  };
}
