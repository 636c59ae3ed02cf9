import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VoiceInput } from './filterGraph.js';
import type { RenderPlan } from './renderPlan.js';
import { runNiced } from './runNiced.js';

/** Bytes of the canonical RIFF header espeak-ng writes before the samples. */
const WAV_HEADER_BYTES = 44;
const WORDS_PER_MINUTE = 165;
/**
 * How long espeak-ng may take for one line. A line is clipped to a few hundred characters, which
 * it speaks into a file in well under a second: a minute is generous even on a busy machine.
 */
const VOICE_TIMEOUT_MS = 60_000;

/** Seconds of sound in a PCM WAV file, from its byte rate (offset 28 of the header). */
const wavSeconds = (wav: Buffer): number =>
  wav.length > WAV_HEADER_BYTES ? (wav.length - WAV_HEADER_BYTES) / wav.readUInt32LE(28) : 0;

/** The WAV file of shot `i`'s line, as the ffmpeg inputs name it. */
export const voiceFile = (i: number): string => `voice${i}.wav`;

/**
 * Speaks every shot's voice line with espeak-ng into `dir`, one at a time at low priority; the
 * map goes from shot index to its ffmpeg input (in order) and length.
 */
export async function synthesizeVoices(
  plan: RenderPlan,
  dir: string,
  espeakNg: string,
  signal: AbortSignal,
): Promise<Map<number, VoiceInput>> {
  const voices = new Map<number, VoiceInput>();
  for (const [i, shot] of plan.shots.entries()) {
    if (!shot.voice) continue;
    await writeFile(join(dir, `line${i}.txt`), shot.voice);
    await runNiced(
      espeakNg,
      ['-v', 'en-us', '-s', String(WORDS_PER_MINUTE), '-w', voiceFile(i), '-f', `line${i}.txt`],
      { cwd: dir, signal, timeoutMs: VOICE_TIMEOUT_MS },
    );
    voices.set(i, {
      input: voices.size,
      seconds: wavSeconds(await readFile(join(dir, voiceFile(i)))),
    });
  }
  return voices;
}
