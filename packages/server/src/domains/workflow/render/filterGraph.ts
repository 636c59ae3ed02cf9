import { VIDEO_FORMAT, type PlannedShot, type RenderPlan } from './renderPlan.js';

/** Debian's DejaVu fonts (package `fonts-dejavu-core`), which every card is set in. */
export const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONTS = {
  regular: `${FONT_DIR}/DejaVuSans.ttf`,
  bold: `${FONT_DIR}/DejaVuSans-Bold.ttf`,
  mono: `${FONT_DIR}/DejaVuSansMono-Bold.ttf`,
} as const;
/** Every font file the cards need. */
export const FONT_FILES: readonly string[] = Object.values(FONTS);

const BACKGROUND = '0x14171f';
const ACCENT = '0xf2b134';
const MARGIN_PX = 80;
/** Characters per line that fit 1120 px at each text size (DejaVu Sans is about 0.55 em wide). */
const HEADING = { size: 44, chars: 40, lines: 2 } as const;
const BODY = { size: 36, chars: 54, lines: 7 } as const;
/** Seconds of silence before a shot's line starts and after it must end. */
const VOICE_LEAD_SECONDS = 0.2;
const VOICE_TAIL_SECONDS = 0.25;
/** The bed sits far under the voice: about −22 dB. */
const MUSIC_GAIN = 0.08;
const VOICE_GAIN = 0.85;
const SAMPLE_RATE = 48_000;

/** A synthesized line: the ffmpeg input it is and how long it plays, in seconds. */
export interface VoiceInput {
  readonly input: number;
  readonly seconds: number;
}

/** A text file the graph reads (`textfile=`), so no card text is ever parsed as filter syntax. */
export interface GraphFile {
  readonly name: string;
  readonly content: string;
}

/** Greedy word wrap to `lines` lines of `chars`, the last ending in `…` when text is cut. */
export function wrapText(text: string, chars: number, lines: number): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let rest = word; rest.length > 0; rest = rest.slice(chars)) {
      const piece = rest.slice(0, chars);
      if (line === '') line = piece;
      else if (line.length + 1 + piece.length <= chars) line += ` ${piece}`;
      else {
        out.push(line);
        line = piece;
      }
    }
  }
  if (line !== '') out.push(line);
  if (out.length <= lines) return out.join('\n');
  const kept = out.slice(0, lines);
  kept[lines - 1] = `${(kept[lines - 1] ?? '').slice(0, chars - 1)}…`;
  return kept.join('\n');
}

/** The synthesized tone of a mood from the audio plan; unknown moods get soft pads. */
export function musicExpression(mood: string): string {
  if (/drone|minor|dark/i.test(mood))
    return '(0.5*sin(2*PI*55*t)+0.35*sin(2*PI*65.41*t)+0.25*sin(2*PI*82.41*t))*(0.8+0.2*sin(2*PI*0.2*t))';
  if (/string|major|warm/i.test(mood))
    return '(sin(2*PI*220*t)+0.8*sin(2*PI*277.18*t)+0.7*sin(2*PI*329.63*t))*(0.85+0.15*sin(2*PI*5*t))/2.5';
  if (/percussion|drum|beat|driving/i.test(mood))
    return 'sin(2*PI*(50+60*exp(-20*mod(t,0.5)))*t)*exp(-8*mod(t,0.5))+0.2*(2*random(0)-1)*exp(-40*mod(t+0.25,0.5))';
  return '(sin(2*PI*130.81*t)+sin(2*PI*196*t)+sin(2*PI*261.63*t))/3*(0.6+0.4*sin(2*PI*0.1*t))';
}

const seconds = (frames: number): string => (frames / VIDEO_FORMAT.fps).toFixed(3);

const text = (file: string, font: string, size: number, color: string, y: number): string =>
  `drawtext=fontfile=${font}:textfile=${file}:expansion=none:fontsize=${size}:line_spacing=${Math.round(size / 3)}:fontcolor=${color}:x=${MARGIN_PX}:y=${y}`;

/** One shot's card, drawn once and held for its frames (plus the frames it dissolves over). */
const shotChain = (shot: PlannedShot, i: number): string => {
  const { width, height, fps } = VIDEO_FORMAT;
  const held = shot.frames + shot.overlapFrames;
  const filters = [
    `color=c=${BACKGROUND}:s=${width}x${height}:r=${fps}:d=${seconds(1)}`,
    `drawbox=x=0:y=0:w=iw:h=10:color=${ACCENT}:t=fill`,
    text(`id${i}.txt`, FONTS.mono, 30, ACCENT, 70),
    text(`heading${i}.txt`, FONTS.bold, HEADING.size, 'white', 130),
    `drawbox=x=${MARGIN_PX}:y=270:w=${width - 2 * MARGIN_PX}:h=2:color=0x3a4150:t=fill`,
    text(`body${i}.txt`, FONTS.regular, BODY.size, '0xd8dce6', 310),
    text(`camera${i}.txt`, FONTS.mono, 28, '0x9aa3b5', height - 100),
    'format=yuv420p',
    `loop=loop=${held - 1}:size=1`,
    `setpts=N/${fps}/TB`,
  ];
  if (shot.fadeFrames > 0)
    filters.push(
      `fade=t=out:st=${seconds(shot.frames - shot.fadeFrames)}:d=${seconds(shot.fadeFrames)}`,
    );
  return `${filters.join(',')}[v${i}]`;
};

/** Joins the shots in order: a dissolve overlaps two shots, anything else is a straight cut. */
const joinShots = (shots: readonly PlannedShot[]): string[] => {
  const lines: string[] = [];
  let last = 'v0';
  shots.slice(1).forEach((shot, k) => {
    const i = k + 1;
    const before = shots[k];
    const out = i === shots.length - 1 ? 'vout' : `j${i}`;
    lines.push(
      before && before.overlapFrames > 0
        ? `[${last}][v${i}]xfade=transition=fade:duration=${seconds(before.overlapFrames)}:offset=${seconds(shot.startFrame)}[${out}]`
        : // concat re-times to microseconds; xfade needs both inputs at the frame rate's time base.
          `[${last}][v${i}]concat=n=2:v=1:a=0,settb=1/${VIDEO_FORMAT.fps}[${out}]`,
    );
    last = out;
  });
  if (shots.length === 1) lines.push('[v0]null[vout]');
  return lines;
};

/** The bed: one tone per run of shots sharing a mood, faded in and out, far under the voice. */
const musicBed = (shots: readonly PlannedShot[]): string[] => {
  const runs: { mood: string; frames: number }[] = [];
  for (const shot of shots) {
    const run = runs.at(-1);
    if (run && run.mood === shot.music) run.frames += shot.frames;
    else runs.push({ mood: shot.music, frames: shot.frames });
  }
  const lines = runs.map(({ mood, frames }, i) => {
    const fade = Math.min(0.5, frames / VIDEO_FORMAT.fps / 4).toFixed(3);
    return `aevalsrc=exprs='${musicExpression(mood)}':s=${SAMPLE_RATE}:d=${seconds(frames)},volume=${MUSIC_GAIN},afade=t=in:d=${fade},afade=t=out:st=${(frames / VIDEO_FORMAT.fps - Number(fade)).toFixed(3)}:d=${fade}[m${i}]`;
  });
  lines.push(
    runs.length === 1
      ? '[m0]anull[music]'
      : `${runs.map((_, i) => `[m${i}]`).join('')}concat=n=${runs.length}:v=0:a=1[music]`,
  );
  return lines;
};

/** A line placed inside its shot: delayed to the shot's start, sped up and cut to end before it ends. */
const voiceChain = (shot: PlannedShot, voice: VoiceInput, i: number): string | null => {
  const start = shot.startFrame / VIDEO_FORMAT.fps + VOICE_LEAD_SECONDS;
  const room = shot.frames / VIDEO_FORMAT.fps - VOICE_LEAD_SECONDS - VOICE_TAIL_SECONDS;
  if (room < 0.3 || voice.seconds <= 0) return null;
  const tempo = Math.max(1, voice.seconds / room);
  return `[${voice.input}:a]aresample=${SAMPLE_RATE},atempo=${tempo.toFixed(4)},atrim=end=${room.toFixed(3)},afade=t=out:st=${(room - 0.04).toFixed(3)}:d=0.04,volume=${VOICE_GAIN},adelay=delays=${Math.round(start * 1000)}:all=1[s${i}]`;
};

/**
 * The whole animatic as one ffmpeg filter graph (`-filter_complex_script`), with the text files it
 * reads; it ends in `[vout]` (1280×720, 25 fps) and `[aout]` (mono 48 kHz), both exactly
 * `plan.totalFrames` long.
 */
export function buildFilterGraph(
  plan: RenderPlan,
  voices: ReadonlyMap<number, VoiceInput>,
): { graph: string; files: GraphFile[] } {
  const files = plan.shots.flatMap((shot, i) => [
    { name: `id${i}.txt`, content: `SHOT ${shot.id}` },
    {
      name: `heading${i}.txt`,
      content: wrapText(shot.heading, HEADING.chars, HEADING.lines) || '—',
    },
    { name: `body${i}.txt`, content: wrapText(shot.description, BODY.chars, BODY.lines) || '—' },
    { name: `camera${i}.txt`, content: `CAMERA  ${shot.camera || '—'}` },
  ]);
  const speech = plan.shots.flatMap((shot, i) => {
    const voice = voices.get(i);
    const chain = voice ? voiceChain(shot, voice, i) : null;
    return chain ? [{ chain, label: `[s${i}]` }] : [];
  });
  const lines = [
    ...plan.shots.map(shotChain),
    ...joinShots(plan.shots),
    ...musicBed(plan.shots),
    ...speech.map((s) => s.chain),
    `[music]${speech.map((s) => s.label).join('')}amix=inputs=${speech.length + 1}:duration=first:dropout_transition=0:normalize=0,aformat=channel_layouts=mono[aout]`,
  ];
  return { graph: lines.join(';\n'), files };
}
