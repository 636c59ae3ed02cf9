import { PIPELINE } from '@liveline/protocol';
import { useAgentStatus } from '../hooks/useAgentStatus';

const titleOf = (name: string) => name.replace(/_/g, ' ');
const stageTitle = (stage: string | null) => PIPELINE.find((p) => p.stage === stage)?.title ?? '—';

/** One agent, live: status, current run and stage, load, completed count and last error. */
export function AgentCard({ name }: { readonly name: string }) {
  const agent = useAgentStatus(name);
  return (
    <article
      className="panel agent-card"
      aria-label={`Agent ${titleOf(name)}`}
      data-status={agent?.status ?? 'unknown'}
    >
      <header className="panel__header">
        <h3>{titleOf(name)}</h3>
        <span className={`pill pill--${agent?.status ?? 'unknown'}`}>
          {agent?.status ?? 'waiting'}
        </span>
      </header>
      {agent ? (
        <dl>
          <dt>Run</dt>
          <dd className="mono">{agent.workflow_id ?? '—'}</dd>
          <dt>Stage</dt>
          <dd>{stageTitle(agent.stage)}</dd>
          <dt>Load</dt>
          <dd>
            {agent.active} / {agent.capacity}
          </dd>
          <dt>Completed</dt>
          <dd>{agent.completed}</dd>
        </dl>
      ) : (
        <p className="muted">No status yet.</p>
      )}
      {agent?.last_error && (
        <p className="callout" role="alert">
          {agent.last_error}
        </p>
      )}
    </article>
  );
}
