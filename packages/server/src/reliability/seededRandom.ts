/** A small deterministic PRNG (mulberry32) so a failing chaos run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `process.memoryUsage().heapUsed` in MiB after a forced GC when the runtime allows one. */
export async function heapUsedMiB(): Promise<number> {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
}

/** Prints one summary line of a reliability case (the numbers docs/reliability.md quotes). */
export function report(caseId: string, numbers: Record<string, number | string>): void {
  console.log(
    `[reliability] ${caseId} ${Object.entries(numbers)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}`,
  );
}
