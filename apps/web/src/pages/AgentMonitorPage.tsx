import { AGENT_NAMES } from '@liveline/protocol';
import { AgentCard } from '../components/AgentCard';
import { MetricsChart } from '../components/MetricsChart';
import { useChannel, useCoordinator, useView } from '@liveline/ws-client/react';
import { shownLatency } from '../lib/shownLatency';
import { HISTORY_MS, NO_HISTORY, reduceMetricsHistory } from '../lib/metricsHistory';
import { useRouterStore } from '../stores/routerStore';

const ms = (n: number) => `${Math.round(n)} ms`;

/** Agent Monitor: a live card per agent (or the one `?agent=` names), coordinator metrics, and a chart. */
export function AgentMonitorPage() {
  const { metrics } = useCoordinator();
  const history = useView(useChannel('coordinator'), reduceMetricsHistory, NO_HISTORY);
  // `?agent=name` focuses one agent, e.g. from a link in a log.
  const focus = useRouterStore((s) => s.query.get('agent'));
  const names = focus ? [focus] : AGENT_NAMES;
  const tiles = metrics
    ? [
        ['Active runs', metrics.workflows.active],
        ['Queued', metrics.workflows.queued],
        ['Completed', metrics.workflows.completed],
        ['Failed', metrics.workflows.failed],
        [
          'Busy agents',
          `${metrics.agents.busy} / ${metrics.agents.busy + metrics.agents.idle + metrics.agents.error}`,
        ],
        ['Completed / min', metrics.completed_last_minute],
        ['Stage p50', shownLatency(metrics.stage_latency_ms, 'p50', ms)],
        ['Stage p95', shownLatency(metrics.stage_latency_ms, 'p95', ms)],
        ['Clients', metrics.connected_clients],
      ]
    : [];
  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1>Agent Monitor</h1>
          <p className="page__lead">Every agent of the pipeline and the coordinator, live.</p>
        </div>
      </header>
      <section className="panel" aria-label="Coordinator metrics">
        <h2>Coordinator</h2>
        {metrics ? (
          <>
            <dl className="tiles">
              {tiles.map(([label, value]) => (
                <div key={label} className="tile">
                  <dt className="tile__label">{label}</dt>
                  <dd className="tile__value">{value}</dd>
                </div>
              ))}
            </dl>
            <MetricsChart samples={history} windowMs={HISTORY_MS} />
          </>
        ) : (
          <p className="muted">Waiting for the first metrics…</p>
        )}
      </section>
      <section className="grid" aria-label="Agents">
        {names.map((name) => (
          <AgentCard key={name} name={name} />
        ))}
      </section>
    </div>
  );
}
