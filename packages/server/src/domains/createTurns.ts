/** Work that runs one task at a time, in call order. */
export interface Turns {
  /** Runs `work` once every task queued before it has settled; answers what it answers. */
  run<R>(work: () => Promise<R>): Promise<R>;
  /** Whether no task is queued or running. */
  readonly idle: boolean;
}

/** Creates a {@link Turns}: a chain of promises, so a settled storage costs a few microtasks only. */
export function createTurns(): Turns {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const settled = (): void => {
    pending -= 1;
  };
  return {
    run(work) {
      pending += 1;
      const result = tail.then(work);
      tail = result.then(settled, settled);
      return result;
    },
    get idle() {
      return pending === 0;
    },
  };
}
