/**
 * Runs the side-by-side benchmarks: `pnpm --filter @liveline/bench bench [--quick] [--scenario a,b]
 * [--reps n] [--peers liveline,ws-raw,socketio] [--clients n] [--rate m] [--duration s]
 * [--cpu-prof dir] [--out file.md]`. Servers are interleaved within each repetition; every peer
 * but `liveline-prune` runs unless `--peers` names them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_PEERS, PEER_KINDS, type PeerKind } from './load/Endpoint.js';
import {
  FULL_SIZES,
  QUICK_SIZES,
  createScenarios,
  type Sizes,
} from './scenarios/createScenarios.js';
import { measureOnce } from './scenarios/measureOnce.js';
import { reportScenario, type RunOutcome } from './scenarios/reportScenario.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    reps: { type: 'string' },
    peers: { type: 'string' },
    clients: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    'cpu-prof': { type: 'string' },
    out: { type: 'string' },
  },
});

const base = values.quick ? QUICK_SIZES : FULL_SIZES;
const clients = values.clients === undefined ? null : Number(values.clients);
const rate = values.rate === undefined ? null : Number(values.rate);
const sizes: Sizes = {
  ...base,
  // Overriding both leaves one size, not the same size twice.
  fanout:
    clients !== null && rate !== null
      ? [{ clients, rate }]
      : base.fanout.map((f) => ({ clients: clients ?? f.clients, rate: rate ?? f.rate })),
  tickClients: clients ?? base.tickClients,
  stormClients: clients ?? base.stormClients,
  reconnectClients: clients ?? base.reconnectClients,
  durationMs: values.duration === undefined ? base.durationMs : Number(values.duration) * 1000,
};
const reps = Number(values.reps ?? (values.quick ? 1 : 3));
const all = createScenarios(sizes);
const names = values.scenario?.split(',') ?? Object.keys(all);
const peers = (values.peers?.split(',') ?? [...DEFAULT_PEERS]).filter((p): p is PeerKind =>
  PEER_KINDS.some((k) => k === p),
);
const cpuProfDir = values['cpu-prof'];
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const sections = [
  `Machine: ${machine}. ${reps} repetition(s), servers interleaved ${peers.join(' → ')}.`,
];
process.stdout.write(`${sections[0] ?? ''}\n\n`);

for (const name of names) {
  for (const scenario of all[name] ?? []) {
    const runs: Partial<Record<PeerKind, RunOutcome>>[] = [];
    for (let rep = 0; rep < reps; rep += 1) {
      const outcomes: Partial<Record<PeerKind, RunOutcome>> = {};
      for (const peer of peers) {
        process.stderr.write(`${scenario.label}, rep ${rep + 1}, ${peer}…\n`);
        try {
          const m = await measureOnce(
            peer,
            (port) => scenario.jobs(peer, port),
            cpuProfDir ? { cpuProfDir } : {},
          );
          outcomes[peer] = { metrics: scenario.metrics(m) };
        } catch (error) {
          outcomes[peer] = { error: error instanceof Error ? error.message : String(error) };
        }
      }
      runs.push(outcomes);
    }
    const section = reportScenario(scenario, peers, runs);
    sections.push(section);
    process.stdout.write(`${section}\n\n`);
  }
}

if (values.out) writeFileSync(values.out, `${sections.join('\n\n')}\n`);
