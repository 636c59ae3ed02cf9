import type { Artifact } from '@liveline/protocol';
import { useVideoSource } from '../hooks/useVideoSource';
import { serverOrigin } from '../lib/serverOrigin';

const secs = (n: number) => `${n.toFixed(1)} s`;

/** Renders one stage's artifact: screenplay scenes, storyboard panels, shots, audio cues, the cut sheet or the video. */
export function ArtifactView({ artifact }: { readonly artifact: Artifact }) {
  switch (artifact.kind) {
    case 'script':
      return (
        <div className="artifact" aria-label="Scenes">
          <p className="artifact__lead">
            <strong>{artifact.title}</strong> — {artifact.logline}
          </p>
          <ol className="artifact__list">
            {artifact.scenes.map((scene) => (
              <li key={scene.number}>
                <span className="mono">{scene.heading}</span>
                <span className="muted"> {scene.summary}</span>
              </li>
            ))}
          </ol>
        </div>
      );
    case 'storyboard':
      return (
        <ol className="artifact artifact__grid" aria-label="Storyboard">
          {artifact.panels.map((p) => (
            <li key={`${p.scene}-${p.panel}`} className="storyboard-panel">
              <span className="badge">
                {p.scene}.{p.panel}
              </span>
              {p.description}
            </li>
          ))}
        </ol>
      );
    case 'shots':
      return (
        <table className="artifact table" aria-label="Shots">
          <thead>
            <tr>
              <th>Shot</th>
              <th>Camera</th>
              <th>Description</th>
              <th className="num">Length</th>
            </tr>
          </thead>
          <tbody>
            {artifact.shots.map((s) => (
              <tr key={s.id}>
                <td className="mono">{s.id}</td>
                <td>{s.camera}</td>
                <td className="table__prose">{s.description}</td>
                <td className="num">{secs(s.duration_seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'audio':
      return (
        <table className="artifact table" aria-label="Audio cues">
          <thead>
            <tr>
              <th>Shot</th>
              <th>Voice</th>
              <th>Music</th>
            </tr>
          </thead>
          <tbody>
            {artifact.cues.map((c) => (
              <tr key={c.shot_id}>
                <td className="mono">{c.shot_id}</td>
                <td className="table__prose">{c.voice ?? <span className="muted">—</span>}</td>
                <td>{c.music}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'cut_sheet':
      return (
        <table className="artifact table" aria-label="Cut sheet">
          <caption className="muted">Total {secs(artifact.total_seconds)}</caption>
          <thead>
            <tr>
              <th>Shot</th>
              <th className="num">In</th>
              <th className="num">Out</th>
              <th>Transition</th>
            </tr>
          </thead>
          <tbody>
            {artifact.entries.map((e) => (
              <tr key={e.shot_id}>
                <td className="mono">{e.shot_id}</td>
                <td className="num">{secs(e.start_seconds)}</td>
                <td className="num">{secs(e.end_seconds)}</td>
                <td>{e.transition}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'video':
      return <VideoView artifact={artifact} />;
  }
}

/** The rendered video and a download link, fetched with the page's token when it has one. */
function VideoView({ artifact }: { readonly artifact: Extract<Artifact, { kind: 'video' }> }) {
  const source = useVideoSource(new URL(artifact.url, serverOrigin()).href);
  return (
    <figure className="artifact video" aria-label="Video">
      {source.kind === 'ready' ? (
        <video className="video__player" src={source.src} controls preload="metadata" />
      ) : (
        <p className="muted">
          {source.kind === 'loading' ? 'Loading the video…' : `No video: ${source.message}`}
        </p>
      )}
      <figcaption className="muted">
        {artifact.width}×{artifact.height}, {artifact.fps} fps, {secs(artifact.duration_seconds)}
        {source.kind === 'ready' && (
          <>
            {' · '}
            <a href={source.src} download={`${artifact.url.split('/').at(-2) ?? 'video'}.mp4`}>
              Download MP4
            </a>
          </>
        )}
      </figcaption>
    </figure>
  );
}
