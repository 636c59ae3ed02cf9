/**
 * The soak benchmark (issue 19), run by hand on a quiet machine:
 * `pnpm --filter @liveline/bench soak [--ops 200000] [--boards 4] [--window 32]
 * [--sample-every 10000] [--op-id-retention-ms n] [--prune-interval-ms n]`. It writes board ops
 * to the real server in its own process and samples the database's size and the server's RSS;
 * after warm-up both should stay flat (PROTOCOL.md G1–G4). With the server's default op-id
 * retention (10 min) the op ids level off only in runs longer than that: pass a shorter
 * `--op-id-retention-ms` to see it sooner. A few seconds' proof that it works:
 * `pnpm --filter @liveline/bench soak --ops 2000 --sample-every 500`.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { formatNumber, formatTable } from './lib/formatTable.js';
import { runSoak, type SoakSample } from './soak/runSoak.js';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '200000' },
    boards: { type: 'string', default: '4' },
    window: { type: 'string', default: '32' },
    'sample-every': { type: 'string', default: '10000' },
    'op-id-retention-ms': { type: 'string' },
    'prune-interval-ms': { type: 'string' },
  },
});
const optional = (text: string | undefined) => (text === undefined ? {} : { value: Number(text) });
const opIdRetention = optional(values['op-id-retention-ms']);
const pruneInterval = optional(values['prune-interval-ms']);

const MIB = 1024 * 1024;
const row = (s: SoakSample): string[] => [
  s.ops.toLocaleString('en-US'),
  formatNumber(s.seconds),
  formatNumber(s.dbBytes / MIB),
  formatNumber(s.walBytes / MIB),
  formatNumber(s.database.freelistPages),
  formatNumber(s.database.events),
  formatNumber(s.database.opIds),
  formatNumber(s.rssBytes / MIB),
];
const HEADER = ['ops', 's', 'db+WAL MiB', 'WAL MiB', 'free pages', 'events', 'op ids', 'RSS MiB'];
/** Where the main file's bytes go, per table and index, at one sample. */
const objects = (s: SoakSample): string =>
  formatTable(
    [`at ${s.ops.toLocaleString('en-US')} ops`, 'KiB', 'unused KiB'],
    s.database.objects.map((o) => [
      o.name,
      formatNumber(o.bytes / 1024),
      formatNumber(o.unusedBytes / 1024),
    ]),
  );

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
);
console.log(HEADER.join('\t'));
const samples = await runSoak(
  {
    ops: Number(values.ops),
    boards: Number(values.boards),
    window: Number(values.window),
    sampleEvery: Number(values['sample-every']),
    ...('value' in opIdRetention && { opIdRetentionMs: opIdRetention.value }),
    ...('value' in pruneInterval && { pruneIntervalMs: pruneInterval.value }),
  },
  (s) => console.log(row(s).join('\t')),
);
console.log(`\n${formatTable(HEADER, samples.map(row))}`);
// Warm-up: the first quarter of the run, after which the history window and op-id window are full.
const warm = samples[Math.floor(samples.length / 4)];
const last = samples.at(-1);
if (warm && last) console.log(`\n${objects(warm)}\n\n${objects(last)}`);
if (warm && last)
  console.log(
    `\nAfter warm-up (${warm.ops.toLocaleString('en-US')} → ${last.ops.toLocaleString('en-US')} ops): ` +
      `db ${formatNumber(warm.dbBytes / MIB)} → ${formatNumber(last.dbBytes / MIB)} MiB, ` +
      `RSS ${formatNumber(warm.rssBytes / MIB)} → ${formatNumber(last.rssBytes / MIB)} MiB, ` +
      `${formatNumber((last.ops - warm.ops) / (last.seconds - warm.seconds))} ops/s`,
  );
