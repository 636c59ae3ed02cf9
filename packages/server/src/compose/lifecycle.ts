/** The states of a server, in the only order it goes through them (a stop may skip `listening`). */
export const LIFECYCLE_STATES = ['starting', 'listening', 'draining', 'stopped'] as const;
/** One of {@link LIFECYCLE_STATES}. */
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** The one place a server's state changes; a step backwards or to the same state is a bug. */
export interface Lifecycle {
  /** The state now. */
  readonly state: LifecycleState;
  /** Moves to `next`, throwing if that is not forward. */
  to(next: LifecycleState): void;
}

/** A lifecycle in `starting`. */
export function createLifecycle(): Lifecycle {
  let state: LifecycleState = 'starting';
  return {
    get state() {
      return state;
    },
    to(next) {
      if (LIFECYCLE_STATES.indexOf(next) <= LIFECYCLE_STATES.indexOf(state))
        throw new Error(`server lifecycle cannot go from ${state} to ${next}`);
      state = next;
    },
  };
}
