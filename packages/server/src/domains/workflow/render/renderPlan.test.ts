import type { Artifact, StageName } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { buildFilterGraph, wrapText } from './filterGraph.js';
import { planRender, RenderPlanError } from './renderPlan.js';

const previous = (
  entries: [id: string, start: number, end: number, transition: string][],
  voice: string | null = null,
): Partial<Record<StageName, Artifact>> => ({
  shots: {
    kind: 'shots',
    shots: entries.map(([id], i) => ({
      id,
      scene: i + 1,
      camera: 'close-up',
      description: `SCENE ${i + 1}. EXT. QUAY: beat ${id}`,
      duration_seconds: 1,
    })),
  },
  audio: {
    kind: 'audio',
    cues: entries.map(([id]) => ({ shot_id: id, voice, music: 'low drones, minor key' })),
  },
  edit: {
    kind: 'cut_sheet',
    total_seconds: entries.at(-1)?.[2] ?? 0,
    entries: entries.map(([shot_id, start_seconds, end_seconds, transition]) => ({
      shot_id,
      start_seconds,
      end_seconds,
      transition,
    })),
  },
});

describe('planRender', () => {
  it('W5 shots tile the timeline in whole frames with no drift, ending exactly at total_seconds', () => {
    const plan = planRender(
      previous(
        [
          ['A', 0, 4.71],
          ['B', 4.71, 9.33],
          ['C', 9.33, 13.37],
        ].map(([id, s, e]) => [String(id), Number(s), Number(e), 'cut']),
      ),
    );
    expect(plan.totalFrames).toBe(334);
    expect(plan.shots.map((s) => [s.startFrame, s.frames])).toEqual([
      [0, 118],
      [118, 115],
      [233, 101],
    ]);
  });

  it('W5 a dissolve overlaps the next shot by at most half a second, a fade out fades the tail, anything else cuts', () => {
    const plan = planRender(
      previous([
        ['A', 0, 4, 'dissolve'],
        ['B', 4, 4.4, 'cross dissolve'],
        ['C', 4.4, 8, 'hard cut'],
        ['D', 8, 12, 'fade out'],
      ]),
    );
    expect(plan.shots.map((s) => [s.exit, s.overlapFrames, s.fadeFrames])).toEqual([
      ['dissolve', 5, 0],
      ['dissolve', 5, 0],
      ['cut', 0, 0],
      ['fade out', 0, 20],
    ]);
    expect(plan.shots[0]).toMatchObject({
      heading: 'SCENE 1. EXT. QUAY',
      description: 'beat A',
      camera: 'close-up',
    });
  });

  it('W5 without a cut sheet, or with nothing on it, there is nothing to render', () => {
    expect(() => planRender({})).toThrow(RenderPlanError);
    expect(() => planRender(previous([]))).toThrow(RenderPlanError);
  });
});

describe('buildFilterGraph', () => {
  it('W5 a line longer than its shot is sped up and cut so it ends inside the shot', () => {
    const plan = planRender(
      previous(
        [
          ['A', 0, 2, 'cut'],
          ['B', 2, 4, 'cut'],
        ],
        'a long line',
      ),
    );
    const { graph } = buildFilterGraph(plan, new Map([[1, { input: 0, seconds: 3.1 }]]));
    // Shot B starts at 2 s: the line starts 0.2 s in and has 1.55 s before the shot's last 0.25 s.
    expect(graph).toContain('[0:a]aresample=48000,atempo=2.0000,atrim=end=1.550');
    expect(graph).toContain('adelay=delays=2200:all=1[s1]');
    expect(graph).toMatch(/amix=inputs=2:duration=first/);
  });

  it('W5 card text wraps at word boundaries and is cut with an ellipsis past its lines', () => {
    expect(wrapText('one two three four', 9, 2)).toBe('one two\nthree…');
    expect(wrapText('abcdefghij', 4, 5)).toBe('abcd\nefgh\nij');
  });
});
