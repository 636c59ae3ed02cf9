import type { Stage } from '@liveline/server';

/** Shots of the bench cut sheet: 8 × 3.75 s = 30 s, two per scene. */
const SHOT_SECONDS = 3.75;
const SHOT_COUNT = 8;
const ids = Array.from(
  { length: SHOT_COUNT },
  (_, i) => `S${Math.floor(i / 2) + 1}-${(i % 2) + 1}`,
);
const fixed = (artifact: Awaited<ReturnType<Stage['run']>>): Stage => ({
  run: () => Promise.resolve(artifact),
});

/**
 * The `shots`, `audio` and `edit` stages of a fixed 30-second cut sheet: four scenes, a cut within
 * each, dissolves between them, a fade out at the end and a voice line on every other shot, so a
 * render does every kind of work the real pipeline asks for.
 */
export const thirtySecondStages = {
  shots: fixed({
    kind: 'shots',
    shots: ids.map((id, i) => ({
      id,
      scene: Math.floor(i / 2) + 1,
      camera: ['wide shot', 'close-up'][i % 2] ?? 'wide shot',
      description: `SCENE ${Math.floor(i / 2) + 1}. EXT. HARBOUR AT DAWN: the keeper climbs the stairs of the lighthouse, shot ${id}, as the storm clears over the bay`,
      duration_seconds: SHOT_SECONDS,
    })),
  }),
  audio: fixed({
    kind: 'audio',
    cues: ids.map((id, i) => ({
      shot_id: id,
      voice: i % 2 === 0 ? `The keeper climbs the stairs as the storm clears, shot ${id}.` : null,
      music: 'low drones, minor key',
    })),
  }),
  edit: fixed({
    kind: 'cut_sheet',
    total_seconds: SHOT_SECONDS * SHOT_COUNT,
    entries: ids.map((id, i) => ({
      shot_id: id,
      start_seconds: i * SHOT_SECONDS,
      end_seconds: (i + 1) * SHOT_SECONDS,
      transition: i === SHOT_COUNT - 1 ? 'fade out' : i % 2 === 1 ? 'dissolve' : 'cut',
    })),
  }),
} satisfies Record<string, Stage>;
