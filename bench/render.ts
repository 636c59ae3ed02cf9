/**
 * The render benchmark (issue 20), run by hand: `pnpm --filter @liveline/bench render [--reps n]
 * [--fanout] [--clients n] [--rate m]`. It times the render stage on a fixed 30-second cut sheet
 * (target: faster than real time on 2 cores) and, with `--fanout`, measures a board's fan-out
 * latency before and during a render, with the encoder niced.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { formatNumber, formatTable } from './lib/formatTable.js';
import { renderFanout } from './render/renderFanout.js';
import { timeRender } from './render/renderTime.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    fanout: { type: 'boolean', default: false },
    clients: { type: 'string', default: '200' },
    rate: { type: 'string', default: '50' },
  },
});

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
);
const timings = [];
for (let rep = 0; rep < Number(values.reps); rep += 1) timings.push(await timeRender());
console.log(
  formatTable(
    ['rep', 'video s', 'render s', '× real time'],
    timings.map((t, i) => [
      String(i + 1),
      formatNumber(t.videoSeconds),
      formatNumber(t.renderSeconds),
      formatNumber(t.videoSeconds / t.renderSeconds),
    ]),
  ),
);

if (values.fanout) {
  const clients = Number(values.clients);
  const rate = Number(values.rate);
  const { phases, videoSeconds } = await renderFanout(clients, rate);
  console.log(
    `\nBoard fan-out, ${clients} clients × ${rate} msg/s, one ${formatNumber(videoSeconds)} s render:`,
  );
  console.log(
    formatTable(
      ['phase', 'delivered', 'p50 ms', 'p99 ms'],
      phases.map((p) => [
        p.phase,
        String(p.delivered),
        formatNumber(p.p50Ms),
        formatNumber(p.p99Ms),
      ]),
    ),
  );
}
