import { PIPELINE } from '@liveline/protocol';
import { useAgent } from '@liveline/ws-client/react';
import { stopReason } from '../lib/routeConnection';

const titleOf = (name: string) => name.replace(/_/g, ' ');
const stageTitle = (stage: string | null) => PIPELINE.find((p) => p.stage === stage)?.title ?? '—';

/** One agent, live: status, current run and stage, load, completed count and last error. */
export function AgentCard({ name }: { readonly name: string }) {
  const { status: agent, connection } = useAgent(name);
  // A stopped route (e.g. 4404 for an agent that does not exist) will send no status: say why.
  const stopped = !agent && connection.status === 'closed';
  const status = agent?.status ?? (stopped ? 'stopped' : 'waiting');
  return (
    <article
      className="panel agent-card"
      aria-label={`Agent ${titleOf(name)}`}
      data-status={status}
    >
      <header className="panel__header">
        <h3>{titleOf(name)}</h3>
        <span className={`pill pill--${status}`}>{status}</span>
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
      ) : stopped ? (
        <p className="callout" role="alert">
          Stopped: {stopReason(connection.lastClose)}
        </p>
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
