import { useCallback, useEffect } from 'react';
import type { CreateWorkflowRequest } from '@liveline/protocol';
import { useChannel, useView } from '@liveline/ws-client/react';
import { PipelineStatus } from '../components/PipelineStatus';
import { RecentRuns } from '../components/RecentRuns';
import { RunView } from '../components/RunView';
import { StartRunForm } from '../components/StartRunForm';
import { newId } from '../lib/newId';
import { NO_RUN_COUNTS, reduceRunCounts } from '../lib/runCounts';
import { startRun } from '../lib/startRun';
import { useRecentRunsStore, type ShownStatus } from '../stores/recentRunsStore';
import { useRouterStore } from '../stores/routerStore';

/** Idea2Video / Script2Video: start a run, watch its stages land live; the run id lives in the URL. */
export function Idea2VideoPage() {
  const runId = useRouterStore((s) => s.query.get('run'));
  const navigate = useRouterStore((s) => s.navigate);
  const runs = useRecentRunsStore((s) => s.runs);
  const listError = useRecentRunsStore((s) => s.error);
  const refresh = useRecentRunsStore((s) => s.refresh);
  const showStatus = useRecentRunsStore((s) => s.showStatus);
  const showStarted = useRecentRunsStore((s) => s.showStarted);
  // Changes whenever any run, in this tab or another, is created, starts, ends or is deleted: the
  // one trigger of a fetch, so one change fetches the list once.
  const counts = useView(useChannel('coordinator'), reduceRunCounts, NO_RUN_COUNTS);

  useEffect(() => {
    void refresh();
  }, [refresh, counts]);

  const start = async (request: CreateWorkflowRequest) => {
    // Listen on the id first, then start the run under it: no event can be missed.
    const id = newId('run');
    const before = runId ? `/idea2video?run=${encodeURIComponent(runId)}` : '/idea2video';
    navigate(`/idea2video?run=${id}`);
    try {
      // The list shows it now; the coordinator's counts tick later and their fetch confirms it.
      showStarted(await startRun({ ...request, id }));
    } catch (error) {
      // No run started under this id, as far as the server could tell: go back to what was shown
      // rather than wait for it forever.
      if (useRouterStore.getState().query.get('run') === id) navigate(before, { replace: true });
      throw error;
    }
  };

  // The run on screen knows its new status before the counts do; the list shows it without a fetch.
  const onStatus = useCallback(
    (status: ShownStatus) => {
      if (runId) showStatus(runId, status);
    },
    [runId, showStatus],
  );

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1>Idea2Video</h1>
          <p className="page__lead">
            Turn an idea or a script into a shot-by-shot cut sheet, live.
          </p>
        </div>
        <PipelineStatus />
      </header>
      <div className="studio">
        <div className="studio__side">
          <StartRunForm onStart={start} />
          <RecentRuns runs={runs} current={runId} error={listError} />
        </div>
        {runId ? (
          <RunView key={runId} id={runId} onStatus={onStatus} />
        ) : (
          <section className="panel">
            <p className="empty">Start a run, or pick one from the recent runs.</p>
          </section>
        )}
      </div>
    </div>
  );
}
