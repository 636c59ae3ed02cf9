import type { MetricsSample } from '../lib/metricsHistory';

const W = 640;
const H = 160;
// Room for the strokes at the plot's top and bottom edges.
const INSET = 2;

const path = (points: readonly (readonly [number, number])[]) =>
  points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

/**
 * Throughput (runs completed in the last minute) and p50 stage latency over the window. The plot
 * is an SVG stretched to its box; the axis labels are HTML beside it, so they keep their size on
 * a narrow screen instead of shrinking with the drawing.
 */
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
  const x = (at: number) => ((at - start) / windowMs) * W;
  const y = (v: number, max: number) => H - INSET - (v / max) * (H - 2 * INSET);
  const throughput = samples.map((s) => [x(s.at), y(s.throughput, maxThroughput)] as const);
  const latency = samples.map((s) => [x(s.at), y(s.p50, maxLatency)] as const);
  const minutes = Math.round(windowMs / 60_000);
  return (
    <figure className="chart-figure">
      <div
        className="chart"
        role="img"
        aria-label={`Throughput and stage latency over the last ${minutes} minutes`}
      >
        <div className="chart__y">
          <span className="chart__axis">{maxThroughput}</span>
          <span className="chart__axis">0</span>
        </div>
        <svg className="chart__plot" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none">
          {[0, 0.5, 1].map((f) => (
            <line key={f} className="chart__grid" x1={0} x2={W} y1={y(f, 1)} y2={y(f, 1)} />
          ))}
          {samples.length > 1 && <path className="chart__throughput" d={path(throughput)} />}
          {samples.length > 1 && <path className="chart__latency" d={path(latency)} />}
        </svg>
        <div className="chart__y">
          <span className="chart__axis">{Math.round(maxLatency)} ms</span>
        </div>
        <div className="chart__x">
          <span className="chart__axis">−{minutes} min</span>
          <span className="chart__axis">now</span>
        </div>
      </div>
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
