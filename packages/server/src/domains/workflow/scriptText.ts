/** The longest text a single artifact field carries (the protocol allows 2000). */
const MAX_FIELD_CHARS = 400;

/** Trims and shortens a text field for an artifact. */
export const clip = (text: string, max = MAX_FIELD_CHARS): string => {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
};

/** The most scenes a pipeline derives from one input. */
export const MAX_SCENES = 12;

/** Splits free text into sentences. */
export const sentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => clip(s))
    .filter((s) => s.length > 0);

/**
 * A screenplay's dialogue cue: a speaker's name in capitals, a colon, the words spoken
 * (`MARA: We have to leave.`).
 */
const DIALOGUE = /^[A-Z][A-Z0-9 .'-]*[A-Z]:\s+(\S.*)$/s;

/** The words a dialogue cue speaks, without its speaker's name; null for anything else. */
export const spokenWords = (beat: string): string | null => DIALOGUE.exec(beat)?.[1] ?? null;

/**
 * A scene's beats, one a storyboard panel: a line of dialogue whole (its parts would be panels no
 * one voices), anything else split at `,`, `;` and `:`, but not at the colon after a speaker's
 * name inside it, which would make the name a beat of its own.
 */
export const beatsOf = (text: string): string[] =>
  spokenWords(text) === null ? text.split(/[,;]\s+|(?<![A-Z]{2}):\s+/) : [text];

/** A scene of a screenplay, as the later stages read it. */
export interface SceneText {
  readonly heading: string;
  readonly summary: string;
  readonly lines: readonly string[];
}

const HEADING = /^(INT\.|EXT\.|SCENE\b)/i;

/**
 * Scenes of a script: blocks that start with a slug line (`INT.`, `EXT.`, `SCENE`) or, without
 * slug lines, paragraphs separated by blank lines.
 */
export function scriptScenes(script: string): SceneText[] {
  const lines = script.split(/\r?\n/).map((l) => l.trim());
  const blocks: string[][] = [];
  const hasHeadings = lines.some((l) => HEADING.test(l));
  for (const line of lines) {
    const starts = hasHeadings ? HEADING.test(line) : line === '';
    if (starts || blocks.length === 0) blocks.push([]);
    if (line !== '') blocks.at(-1)?.push(line);
  }
  return blocks
    .filter((b) => b.length > 0)
    .slice(0, MAX_SCENES)
    .map((block, i) => {
      const [first = '', ...rest] = block;
      const heading = hasHeadings ? first : `SCENE ${i + 1}`;
      const body = hasHeadings ? rest : block;
      return {
        heading: clip(heading),
        summary: clip(body.join(' ') || heading),
        lines: body.map((l) => clip(l)),
      };
    });
}
