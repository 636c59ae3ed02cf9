import { machineBusyMicros, processCpuMicros } from './procStats.js';

/** CPU used over one measured window. */
export interface CpuReading {
  /** CPU the server used, in µs. */
  readonly serverMicros: number;
  /** CPU the load generators used, in µs. */
  readonly generatorMicros: number;
  /** CPU everything else on the machine used (other tenants' tests), in µs. */
  readonly noiseMicros: number;
  /** Wall time of the window, in ms. */
  readonly wallMs: number;
}

/** A started measurement; `read()` returns the CPU used since it started. */
export interface CpuMeter {
  read(): CpuReading;
}

/**
 * Starts measuring the server's and the generators' CPU, and the machine's, from `/proc`.
 * Noise is the machine's busy time minus both, so a loaded shared machine shows up in the tables.
 */
export function createCpuMeter(serverPid: number, generatorPids: readonly number[]): CpuMeter {
  const generators = (): number =>
    generatorPids.reduce((sum, pid) => sum + processCpuMicros(pid), 0);
  const start = {
    server: processCpuMicros(serverPid),
    generators: generators(),
    machine: machineBusyMicros(),
    at: performance.now(),
  };
  return {
    read() {
      const serverMicros = processCpuMicros(serverPid) - start.server;
      const generatorMicros = generators() - start.generators;
      const machine = machineBusyMicros() - start.machine;
      return {
        serverMicros,
        generatorMicros,
        noiseMicros: Math.max(0, machine - serverMicros - generatorMicros),
        wallMs: performance.now() - start.at,
      };
    },
  };
}
