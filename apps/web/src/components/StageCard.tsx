import { PIPELINE, type StageState } from '@liveline/protocol';
import { ArtifactView } from './ArtifactView';

const TITLES = Object.fromEntries(PIPELINE.map((p) => [p.stage, p.title])) as Record<
  StageState['stage'],
  string
>;
const agentName = (agent: string) => agent.replace(/_/g, ' ');

/** One pipeline stage: status, progress and the artifact once it lands. */
export function StageCard({ stage }: { readonly stage: StageState }) {
  const title = TITLES[stage.stage];
  const { status } = stage;
  // The server serves a render that never ran as skipped, also one an earlier release stored (W6).
  const noVideo = stage.stage === 'render' && status === 'skipped';
  return (
    <section
      className={`stage stage--${status}`}
      aria-label={`Stage ${title}`}
      data-status={status}
    >
      <header className="stage__header">
        <h3>{title}</h3>
        <span className="muted">{agentName(stage.agent)}</span>
        <span className={`pill pill--${status}`}>{status}</span>
      </header>
      {noVideo && (
        <p className="muted">No video: this run&apos;s render did not run, so no video was kept.</p>
      )}
      {stage.status === 'running' && (
        <progress
          className="progress"
          max={100}
          value={stage.progress}
          aria-label={`${title} progress`}
        />
      )}
      {stage.artifact && <ArtifactView artifact={stage.artifact} />}
    </section>
  );
}
