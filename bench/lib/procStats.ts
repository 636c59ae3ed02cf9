import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second of `/proc` CPU counters (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;
const MICROS_PER_TICK = 1_000_000 / CLOCK_TICKS_PER_SECOND;

/** CPU time a process has used (user + system), in µs; 0 once it has exited. */
export function processCpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in field 2 may contain spaces, so count fields after its closing paren.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
  } catch {
    return 0;
  }
}

/** Resident memory of a process, in bytes; 0 once it has exited. */
export function processRssBytes(pid: number): number {
  try {
    const found = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return found ? Number(found[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time every process on the machine has used (all non-idle time in `/proc/stat`), in µs. */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = [user, nice, system, irq, softirq, steal].reduce<number>(
    (sum, v) => sum + (v ?? 0),
    0,
  );
  return busy * MICROS_PER_TICK;
}
