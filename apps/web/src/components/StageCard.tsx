import { PIPELINE, type StageState } from '@liveline/protocol';
import { ArtifactView } from './ArtifactView';

const TITLES = Object.fromEntries(PIPELINE.map((p) => [p.stage, p.title])) as Record<
  StageState['stage'],
  string
>;
const agentName = (agent: string) => agent.replace(/_/g, ' ');

/**
 * Whether `stage` is a render that ended without a video: skipped, or stored `completed` with no
 * artifact by a release before 0f2cc4e, which the server reads as skipped too (PROTOCOL.md W6).
 */
const unrendered = ({ stage, status, artifact }: StageState) =>
  stage === 'render' && !artifact && (status === 'completed' || status === 'skipped');

/** One pipeline stage: status, progress and the artifact once it lands. */
export function StageCard({ stage }: { readonly stage: StageState }) {
  const title = TITLES[stage.stage];
  const noVideo = unrendered(stage);
  const status = noVideo ? 'skipped' : stage.status;
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
