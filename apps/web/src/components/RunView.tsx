import { useEffect, useRef, useState } from 'react';
import { TERMINAL_WORKFLOW_STATUSES, WORKFLOW_DELETED_CODE } from '@liveline/protocol';
import { useWorkflow } from '@liveline/ws-client/react';
import { ApiError, cancelWorkflow, getWorkflow } from '../lib/api';
import type { ShownStatus } from '../stores/recentRunsStore';
import { RunEventLog } from './RunEventLog';
import { StageCard } from './StageCard';

/** Props of {@link RunView}. */
export interface RunViewProps {
  readonly id: string;
  /** Called whenever the run's status changes, so lists show it. */
  readonly onStatus: (status: ShownStatus) => void;
}

/** One run, live: status, cancel, failure reason, every stage with its artifact, and the event list. */
export function RunView({ id, onStatus }: RunViewProps) {
  const { workflow, events, since, recovered, deleted: deletedLive } = useWorkflow(id);
  const [cancelError, setCancelError] = useState<string | null>(null);
  // A cancel cannot be taken back, and the button sits where a thumb scrolls: it asks first.
  const [confirming, setConfirming] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // Answered "keep", the question unmounts its focused button: the focus goes back to Cancel run.
  const refocus = useRef(false);
  useEffect(() => {
    if (confirming || !refocus.current) return;
    refocus.current = false;
    cancelRef.current?.focus();
  }, [confirming]);
  const keep = () => {
    refocus.current = true;
    setConfirming(false);
  };
  const [deletedBefore, setDeletedBefore] = useState(false);
  const waiting = !workflow && !deletedLive && since !== null;
  // A run deleted before this view opened shows up as one not started yet (W2's snapshot cannot
  // tell them apart); the server's answer for the id can (410, PROTOCOL.md G5).
  useEffect(() => {
    if (!waiting) return;
    let current = true;
    // Any other answer (the run, not found, no network) leaves the view as the socket shows it.
    getWorkflow(id).catch((error: unknown) => {
      if (current && error instanceof ApiError && error.code === WORKFLOW_DELETED_CODE)
        setDeletedBefore(true);
    });
    return () => {
      current = false;
    };
  }, [waiting, id]);
  const deleted = deletedLive || deletedBefore;
  // A deleted run is a status change too: the lists drop it.
  const status = workflow?.status ?? (deleted ? 'deleted' : null);

  useEffect(() => {
    if (status) onStatus(status);
  }, [status, onStatus]);

  const cancel = async () => {
    setConfirming(false);
    setCancelError(null);
    try {
      await cancelWorkflow(id);
    } catch (error) {
      setCancelError(error instanceof Error ? error.message : String(error));
    }
  };

  if (!workflow)
    return (
      <section className="panel" aria-label="Run">
        {deleted ? (
          <p className="callout" role="alert">
            Run {id} was deleted: finished runs are kept for a limited time.
          </p>
        ) : (
          <p className="empty">
            {since !== null ? `Waiting for run ${id} to start…` : `Loading run ${id}…`}
          </p>
        )}
      </section>
    );

  const finished = TERMINAL_WORKFLOW_STATUSES.includes(workflow.status);
  return (
    <section
      className="panel"
      aria-label="Run"
      data-run-id={workflow.id}
      data-status={workflow.status}
    >
      <header className="panel__header">
        <div>
          <h2>{workflow.title || 'Untitled run'}</h2>
          <p className="muted">
            {workflow.mode === 'idea' ? 'Idea2Video' : 'Script2Video'} ·{' '}
            <span className="mono">{workflow.id}</span>
          </p>
        </div>
        <div className="panel__actions">
          <span className={`pill pill--${workflow.status}`} aria-label="Run status">
            {workflow.status}
            {workflow.queue_position !== null && ` #${workflow.queue_position}`}
          </span>
          {!finished &&
            (confirming ? (
              <span
                role="group"
                aria-label="Cancel this run?"
                className="panel__actions"
                onKeyDown={(event) => event.key === 'Escape' && keep()}
              >
                <span>Cancel this run? It cannot be resumed.</span>
                <button
                  type="button"
                  className="button button--danger"
                  onClick={() => void cancel()}
                >
                  Yes, cancel
                </button>
                <button
                  type="button"
                  className="button button--ghost"
                  // The choice that changes nothing takes the focus, so Enter does no harm.
                  autoFocus
                  onClick={keep}
                >
                  Keep running
                </button>
              </span>
            ) : (
              <button
                ref={cancelRef}
                type="button"
                className="button button--danger"
                onClick={() => setConfirming(true)}
              >
                Cancel run
              </button>
            ))}
        </div>
      </header>
      {workflow.error && (
        <p className="callout" role="alert">
          {workflow.status === 'interrupted' ? 'Interrupted' : 'Failed'}: {workflow.error}
        </p>
      )}
      {cancelError && (
        <p className="form-error" role="alert">
          {cancelError}
        </p>
      )}
      <ol className="pipeline" aria-hidden="true">
        {workflow.stages.map((s) => (
          <li key={s.stage} data-status={s.status} />
        ))}
      </ol>
      <div className="stages">
        {workflow.stages.map((stage) => (
          <StageCard key={stage.stage} stage={stage} />
        ))}
      </div>
      <RunEventLog events={events} recovered={recovered} since={since} />
    </section>
  );
}
