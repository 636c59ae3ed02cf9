import { formatNumber, formatTable } from '../lib/formatTable.js';
import { median } from '../lib/percentile.js';
import type { PeerKind } from '../load/Endpoint.js';
import type { Scenario } from './Scenario.js';

/** The metrics of one run, or why it failed. */
export type RunOutcome =
  { readonly metrics: Readonly<Record<string, number>> } | { readonly error: string };

/** Outcomes by repetition, then by server. */
export type ScenarioRuns = readonly Readonly<Partial<Record<PeerKind, RunOutcome>>>[];

const value = (outcome: RunOutcome | undefined, metric: string): number =>
  outcome && 'metrics' in outcome ? (outcome.metrics[metric] ?? Number.NaN) : Number.NaN;

/**
 * The Markdown report of one scenario: every run, then each target's ratio (Liveline's, or the
 * target's `of`, to a peer) per
 * repetition for each target metric, their median, and whether the target is met.
 */
export function reportScenario(
  scenario: Scenario,
  peers: readonly PeerKind[],
  runs: ScenarioRuns,
): string {
  const columns = [
    ...new Set(
      runs.flatMap((rep) =>
        Object.values(rep).flatMap((o) => ('metrics' in o ? Object.keys(o.metrics) : [])),
      ),
    ),
  ];
  const rows = runs.flatMap((rep, i) =>
    peers.map((peer) => {
      const outcome = rep[peer];
      const cells =
        outcome && 'error' in outcome
          ? columns.map((_, c) => (c === 0 ? `failed: ${outcome.error}` : ''))
          : columns.map((c) => formatNumber(value(outcome, c)));
      return [String(i + 1), peer, ...cells];
    }),
  );
  const parts = [`### ${scenario.label}`, '', formatTable(['rep', 'server', ...columns], rows)];
  const targets = scenario.targets.filter(
    (t) => peers.includes(t.vs) && peers.includes(t.of ?? 'liveline'),
  );
  if (targets.length > 0) {
    const ratios = targets.map((t) =>
      runs.map((rep) => value(rep[t.of ?? 'liveline'], t.metric) / value(rep[t.vs], t.metric)),
    );
    const ratioRows = targets.map((t, k) => {
      const perRep = ratios[k] ?? [];
      const mid = median(perRep.filter(Number.isFinite));
      const verdict = Number.isFinite(mid) ? (mid <= t.max ? 'met' : 'MISSED') : 'no data';
      return [
        `${t.metric}: ${t.of ?? 'liveline'} / ${t.vs}`,
        ...perRep.map(formatNumber),
        formatNumber(mid),
        `≤ ${t.max}`,
        verdict,
      ];
    });
    parts.push(
      '',
      formatTable(
        ['ratio', ...runs.map((_, i) => `rep ${i + 1}`), 'median', 'target', 'verdict'],
        ratioRows,
      ),
    );
  }
  return parts.join('\n');
}
