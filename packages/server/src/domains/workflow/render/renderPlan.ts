import type { Artifact, StageName } from '@liveline/protocol';

/** Frame size and rate of every rendered video. */
export const VIDEO_FORMAT = { width: 1280, height: 720, fps: 25 } as const;
/** The longest dissolve between two shots, in frames (half a second). */
const DISSOLVE_MAX_FRAMES = 12;
/** The longest fade to black at the end of a shot, in frames. */
const FADE_MAX_FRAMES = 20;

/** How a shot leaves the screen, read from the cut sheet's free-text `transition`. */
export type ShotExit = 'cut' | 'dissolve' | 'fade out';

/** One shot as the renderer draws it: its cards' text, its frames and its sound. */
export interface PlannedShot {
  readonly id: string;
  readonly heading: string;
  readonly description: string;
  readonly camera: string;
  /** First frame of the shot on the video's timeline. */
  readonly startFrame: number;
  /** Frames the shot owns on the timeline. */
  readonly frames: number;
  readonly exit: ShotExit;
  /** Frames the shot overlaps the next one by (a dissolve), else 0. */
  readonly overlapFrames: number;
  /** Frames of its own tail that fade to black (`fade out`), else 0. */
  readonly fadeFrames: number;
  readonly voice: string | null;
  readonly music: string;
}

/** What the render stage draws: shots in order and the video's length. */
export interface RenderPlan {
  readonly shots: readonly PlannedShot[];
  readonly totalFrames: number;
}

/** The previous stages cannot be rendered (no cut sheet, or nothing on it). */
export class RenderPlanError extends Error {
  override readonly name = 'RenderPlanError';
  readonly code = 'render_plan_invalid';
}

const exitOf = (transition: string): ShotExit =>
  /dissolve|cross/i.test(transition) ? 'dissolve' : /fade/i.test(transition) ? 'fade out' : 'cut';

/** `SCENE 1. EXT. HARBOUR: the beat` → heading and beat, as the storyboard writes descriptions. */
const splitDescription = (description: string, scene: number): [string, string] => {
  const at = description.indexOf(': ');
  return at > 0
    ? [description.slice(0, at), description.slice(at + 2)]
    : [`SCENE ${scene}`, description];
};

/**
 * Lays the cut sheet out in whole frames: each shot runs from its start to the next shot's start
 * (so rounding never drifts), and the last to `total_seconds`, which makes the video exactly as
 * long as the cut sheet to within one frame.
 */
export function planRender(previous: Partial<Record<StageName, Artifact>>): RenderPlan {
  const cut = previous.edit;
  if (cut?.kind !== 'cut_sheet') throw new RenderPlanError('there is no cut sheet to render');
  const shots = previous.shots?.kind === 'shots' ? previous.shots.shots : [];
  const cues = previous.audio?.kind === 'audio' ? previous.audio.cues : [];
  const { fps } = VIDEO_FORMAT;
  const totalFrames = Math.round(cut.total_seconds * fps);
  const entries = [...cut.entries]
    .sort((a, b) => a.start_seconds - b.start_seconds)
    .map((entry, i) => ({ entry, startFrame: i === 0 ? 0 : Math.round(entry.start_seconds * fps) }))
    .filter(({ startFrame }) => startFrame < totalFrames);
  const timed = entries
    .map(({ entry, startFrame }, i) => ({
      entry,
      startFrame,
      frames: (entries[i + 1]?.startFrame ?? totalFrames) - startFrame,
    }))
    .filter(({ frames }) => frames > 0);
  if (timed.length === 0) throw new RenderPlanError('the cut sheet has no shot to render');
  const music = cues[0]?.music ?? 'ambient pads';
  return {
    totalFrames,
    shots: timed.map(({ entry, startFrame, frames }, i) => {
      const shot = shots.find((s) => s.id === entry.shot_id);
      const cue = cues.find((c) => c.shot_id === entry.shot_id);
      const [heading, description] = splitDescription(
        shot?.description ?? '',
        shot?.scene ?? i + 1,
      );
      const next = timed[i + 1];
      const exit = exitOf(entry.transition);
      return {
        id: entry.shot_id,
        heading,
        description,
        camera: shot?.camera ?? '',
        startFrame,
        frames,
        exit,
        overlapFrames:
          exit === 'dissolve' && next
            ? Math.min(DISSOLVE_MAX_FRAMES, Math.floor(frames / 2), Math.floor(next.frames / 2))
            : 0,
        fadeFrames: exit === 'fade out' ? Math.min(FADE_MAX_FRAMES, Math.floor(frames / 2)) : 0,
        voice: cue?.voice ?? null,
        music: cue?.music ?? music,
      };
    }),
  };
}
