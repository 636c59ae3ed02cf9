import { useCoordinator } from '@liveline/ws-client/react';
import { shownLatency } from '../lib/shownLatency';

/** A one-line live summary of the pipeline: active and queued runs, agents busy, stage latency. */
export function PipelineStatus() {
  const { metrics } = useCoordinator();
  if (!metrics) return <p className="muted pipeline-status">Pipeline: waiting for metrics…</p>;
  const { workflows, agents, stage_latency_ms: latency } = metrics;
  return (
    <p className="muted pipeline-status" aria-label="Pipeline status">
      Pipeline: {workflows.active} running · {workflows.queued} queued · {agents.busy} of{' '}
      {agents.busy + agents.idle + agents.error} agents busy · stage p50{' '}
      {shownLatency(latency, 'p50', (ms) => `${(ms / 1000).toFixed(1)} s`)}
    </p>
  );
}
