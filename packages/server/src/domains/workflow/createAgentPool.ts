import { AGENT_NAMES, type AgentName, type AgentStatus, type StageName } from '@liveline/protocol';

/**
 * How a stage ended on its agent: its `stage.completed` stored, aborted (a cancel, a lost lease, a
 * stop, a refused write) or failed with `error`. Only a stored completion counts (AG1).
 */
export type StageOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'error'; readonly error: string };

/** A held agent slot; `release` frees it once. */
export interface AgentLease {
  release(outcome: StageOutcome): void;
}

/** The pipeline's agents: bounded capacity, FIFO waiting, live status. */
export interface AgentPool {
  /** Waits for a free slot of `agent`; rejects if `signal` aborts while waiting. */
  acquire(
    agent: AgentName,
    workflowId: string,
    stage: StageName,
    signal: AbortSignal,
  ): Promise<AgentLease>;
  /** The workflows waiting for `agent`, first in line first. */
  queue(agent: AgentName): string[];
  /** Every agent's status. */
  statuses(): AgentStatus[];
}

interface AgentState {
  active: { workflowId: string; stage: StageName }[];
  waiters: { workflowId: string; take: () => void }[];
  completed: number;
  lastError: string | null;
  updatedAt: number;
}

/**
 * Creates the agent pool (`capacityOf` each agent's slots); `onChange` gets an agent's new status
 * whenever it changes, and `onQueueMoved` an agent whose waiters moved up (one was taken or left).
 */
export function createAgentPool(
  capacityOf: (agent: AgentName) => number,
  now: () => number,
  onChange: (status: AgentStatus) => void,
  onQueueMoved: (agent: AgentName) => void,
): AgentPool {
  const agents = new Map<AgentName, AgentState>(
    AGENT_NAMES.map((name) => [
      name,
      { active: [], waiters: [], completed: 0, lastError: null, updatedAt: now() },
    ]),
  );
  const state = (name: AgentName): AgentState => {
    const found = agents.get(name);
    if (!found) throw new RangeError(`unknown agent ${name}`);
    return found;
  };
  const statusOf = (name: AgentName): AgentStatus => {
    const s = state(name);
    const current = s.active[0];
    return {
      name,
      status: current ? 'working' : s.lastError ? 'error' : 'idle',
      workflow_id: current?.workflowId ?? null,
      stage: current?.stage ?? null,
      completed: s.completed,
      capacity: capacityOf(name),
      active: s.active.length,
      last_error: s.lastError,
      updated_at: s.updatedAt,
    };
  };
  const changed = (name: AgentName): void => {
    state(name).updatedAt = now();
    onChange(statusOf(name));
  };

  return {
    acquire(name, workflowId, stage, signal) {
      const s = state(name);
      return new Promise<AgentLease>((resolve, reject) => {
        const take = (): void => {
          signal.removeEventListener('abort', onAbort);
          const slot = { workflowId, stage };
          s.active.push(slot);
          changed(name);
          let released = false;
          resolve({
            release(outcome) {
              if (released) return;
              released = true;
              s.active = s.active.filter((a) => a !== slot);
              if (outcome.kind === 'completed') s.completed += 1;
              s.lastError = outcome.kind === 'error' ? outcome.error : null;
              changed(name);
              const next = s.waiters.shift();
              if (!next) return;
              next.take();
              onQueueMoved(name);
            },
          });
        };
        const waiter = { workflowId, take };
        const onAbort = (): void => {
          s.waiters = s.waiters.filter((w) => w !== waiter);
          reject(signal.reason as Error);
          onQueueMoved(name);
        };
        if (signal.aborted) return reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
        if (s.active.length < capacityOf(name) && s.waiters.length === 0) take();
        else s.waiters.push(waiter);
      });
    },
    queue: (name) => state(name).waiters.map((w) => w.workflowId),
    statuses: () => AGENT_NAMES.map(statusOf),
  };
}
