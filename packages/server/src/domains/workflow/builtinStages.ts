import type { Artifact, StageName } from '@liveline/protocol';
import {
  MAX_SCENES,
  beatsOf,
  clip,
  scriptScenes,
  sentences,
  spokenWords,
  type SceneText,
} from './scriptText.js';
import type { Stage, StageInput } from './Stage.js';

const PROGRESS_STEPS = 4;
const CAMERAS = [
  'wide shot',
  'medium shot',
  'close-up',
  'over-the-shoulder',
  'tracking shot',
] as const;
const MOODS: readonly (readonly [RegExp, string])[] = [
  [/\b(dark|night|fear|storm|alone|lost)\b/i, 'low drones, minor key'],
  [/\b(love|hope|sun|light|friend|home)\b/i, 'warm strings, major key'],
  [/\b(run|chase|fight|race|fast|escape)\b/i, 'driving percussion'],
];

const wait = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Scenes the later stages work from: the screenplay's, or the script's in Script2Video mode. */
const scenesOf = (
  input: StageInput,
  previous: Partial<Record<StageName, Artifact>>,
): SceneText[] => {
  const script = previous.script;
  if (script?.kind === 'script')
    return script.scenes.map((s) => ({ heading: s.heading, summary: s.summary, lines: s.lines }));
  return scriptScenes(input.text);
};

/** The stages derived from text alone; `render` is the render stage's (render/). */
export type BuiltinStageName = Exclude<StageName, 'render'>;

const derive: Record<
  BuiltinStageName,
  (input: StageInput, previous: Partial<Record<StageName, Artifact>>) => Artifact
> = {
  script(input) {
    const parts = sentences(input.text).slice(0, MAX_SCENES);
    return {
      kind: 'script',
      title: clip(input.title, 200),
      logline: parts[0] ?? clip(input.text),
      scenes: parts.map((summary, i) => ({
        number: i + 1,
        heading: `SCENE ${i + 1}. ${i % 2 === 0 ? 'EXT.' : 'INT.'} ${clip(summary.split(' ').slice(0, 4).join(' ').toUpperCase(), 60)}`,
        summary,
        lines: [summary],
      })),
    };
  },
  storyboard(input, previous) {
    const panels = scenesOf(input, previous).flatMap((scene, i) =>
      // Line by line: a line of dialogue is a beat of its own, not the tail of the line before.
      (scene.lines.length > 0 ? scene.lines : [scene.summary])
        .flatMap(beatsOf)
        .slice(0, 3)
        .map((beat, j) => ({
          scene: i + 1,
          panel: j + 1,
          description: clip(`${scene.heading}: ${beat}`),
        })),
    );
    return { kind: 'storyboard', panels };
  },
  shots(input, previous) {
    const board = previous.storyboard;
    const panels = board?.kind === 'storyboard' ? board.panels : [];
    return {
      kind: 'shots',
      shots: panels.map((panel, i) => ({
        id: `S${panel.scene}-${panel.panel}`,
        scene: panel.scene,
        camera: CAMERAS[i % CAMERAS.length] ?? 'wide shot',
        description: panel.description,
        // Longer beats get longer shots: 2 s plus 0.3 s per word, at most 12 s.
        duration_seconds: Math.min(
          12,
          Math.round((2 + 0.3 * panel.description.split(' ').length) * 10) / 10,
        ),
      })),
    };
  },
  audio(input, previous) {
    const plan = previous.shots;
    const shots = plan?.kind === 'shots' ? plan.shots : [];
    const music = MOODS.find(([pattern]) => pattern.test(input.text))?.[1] ?? 'ambient pads';
    return {
      kind: 'audio',
      cues: shots.map((shot, i) => {
        const beat = shot.description.split(': ').slice(1).join(': ') || shot.description;
        // A line of dialogue is always voiced, and only its words: not its speaker's name.
        const spoken = spokenWords(beat);
        return {
          shot_id: shot.id,
          voice: spoken !== null ? clip(spoken) : i % 2 === 0 ? clip(beat) : null,
          music,
        };
      }),
    };
  },
  edit(_input, previous) {
    const plan = previous.shots;
    const shots = plan?.kind === 'shots' ? plan.shots : [];
    let clock = 0;
    const entries = shots.map((shot, i) => {
      const start = clock;
      clock = Math.round((clock + shot.duration_seconds) * 10) / 10;
      const next = shots[i + 1];
      return {
        shot_id: shot.id,
        start_seconds: start,
        end_seconds: clock,
        transition: !next ? 'fade out' : next.scene !== shot.scene ? 'dissolve' : 'cut',
      };
    });
    return { kind: 'cut_sheet', total_seconds: clock, entries };
  },
};

/** The built-in stage of `name`, pacing its work over `durationMs`. */
export function createBuiltinStage(name: BuiltinStageName, durationMs: number): Stage {
  return {
    async run(input, previous, signal, report) {
      for (let step = 1; step < PROGRESS_STEPS; step += 1) {
        await wait(durationMs / PROGRESS_STEPS, signal);
        report(Math.round((step / PROGRESS_STEPS) * 100));
      }
      await wait(durationMs / PROGRESS_STEPS, signal);
      return derive[name](input, previous);
    },
  };
}
