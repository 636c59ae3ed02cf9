import type { MetricsSample } from '../lib/metricsHistory';

const W = 640;
const H = 180;
const PAD = { left: 36, right: 44, top: 12, bottom: 22 };

const path = (points: readonly (readonly [number, number])[]) =>
  points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

/** Throughput (runs completed in the last minute) and p50 stage latency over the window, as SVG. */
export function MetricsChart({
  samples,
  windowMs,
}: {
  readonly samples: readonly MetricsSample[];
  readonly windowMs: number;
}) {
  const end = samples.at(-1)?.at ?? 0;
  const start = end - windowMs;
  const maxThroughput = Math.max(1, ...samples.map((s) => s.throughput));
  const maxLatency = Math.max(1, ...samples.map((s) => s.p50));
  const x = (at: number) => PAD.left + ((at - start) / windowMs) * (W - PAD.left - PAD.right);
  const y = (v: number, max: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const throughput = samples.map((s) => [x(s.at), y(s.throughput, maxThroughput)] as const);
  const latency = samples.map((s) => [x(s.at), y(s.p50, maxLatency)] as const);
  const minutes = Math.round(windowMs / 60_000);
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Throughput and stage latency over the last ${minutes} minutes`}
      >
        {[0, 0.5, 1].map((f) => (
          <line
            key={f}
            className="chart__grid"
            x1={PAD.left}
            x2={W - PAD.right}
            y1={y(f, 1)}
            y2={y(f, 1)}
          />
        ))}
        <text
          className="chart__axis"
          x={PAD.left - 6}
          y={y(maxThroughput, maxThroughput) + 4}
          textAnchor="end"
        >
          {maxThroughput}
        </text>
        <text className="chart__axis" x={PAD.left - 6} y={y(0, 1) + 4} textAnchor="end">
          0
        </text>
        <text className="chart__axis" x={W - PAD.right + 6} y={y(maxLatency, maxLatency) + 4}>
          {Math.round(maxLatency)} ms
        </text>
        <text className="chart__axis" x={PAD.left} y={H - 4}>
          −{minutes} min
        </text>
        <text className="chart__axis" x={W - PAD.right} y={H - 4} textAnchor="end">
          now
        </text>
        {samples.length > 1 && <path className="chart__throughput" d={path(throughput)} />}
        {samples.length > 1 && <path className="chart__latency" d={path(latency)} />}
      </svg>
      <figcaption className="legend">
        <span>
          <span className="legend__swatch" style={{ background: 'var(--accent)' }} />
          Completed per minute
        </span>
        <span>
          <span className="legend__swatch" style={{ background: 'var(--retrying)' }} />
          Stage latency p50
        </span>
      </figcaption>
    </figure>
  );
}
