import type { Artifact, StageName } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { createBuiltinStage, type BuiltinStageName } from './builtinStages.js';
import type { StageInput } from './Stage.js';

/** Runs the built-in stages in pipeline order on `input`, as a run does, and answers their artifacts. */
async function runStages(input: StageInput, names: readonly BuiltinStageName[]) {
  const artifacts: Partial<Record<StageName, Artifact>> = {};
  for (const name of names)
    artifacts[name] = await createBuiltinStage(name, 0).run(
      input,
      artifacts,
      new AbortController().signal,
      () => {},
    );
  return artifacts;
}

describe('built-in stages', () => {
  it('Script2Video voices a line of dialogue whole as its words, not its speaker’s name, in whichever shot it lands', async () => {
    const text = [
      'INT. HALL - NIGHT',
      'The lamp flickers.',
      'MARA: Wait, we have to leave.',
      'TOM: Not without the map.',
    ].join('\n');
    const { storyboard, audio } = await runStages(
      { id: 'run-1', mode: 'script', text, title: 'Hall' },
      ['storyboard', 'shots', 'audio'],
    );
    expect(
      storyboard?.kind === 'storyboard' && storyboard.panels.map((p) => p.description),
    ).toEqual([
      'INT. HALL - NIGHT: The lamp flickers.',
      'INT. HALL - NIGHT: MARA: Wait, we have to leave.',
      'INT. HALL - NIGHT: TOM: Not without the map.',
    ]);
    expect(audio?.kind === 'audio' && audio.cues.map((c) => c.voice)).toEqual([
      'The lamp flickers.',
      'Wait, we have to leave.',
      'Not without the map.',
    ]);
  });
});
