import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';
import { DetailedError, errorMessage } from '../../../errors.js';
import { FONT_FILES } from './filterGraph.js';

const run = promisify(execFile);
/** A tool that does not answer `-version` within this is treated as broken, so nothing hangs. */
const PROBE_TIMEOUT_MS = 10_000;

/** Where the render stage finds its tools. */
export interface MediaTools {
  /** The ffmpeg executable (Debian's `ffmpeg` 5.1: libx264, aac, drawtext, xfade). @default 'ffmpeg' */
  readonly ffmpeg: string;
  /** The espeak-ng executable. @default 'espeak-ng' */
  readonly espeakNg: string;
}

/**
 * A tool, codec or font the render stage needs is not there; the message says how to install it,
 * `detail` (for the log) where the server looked and what the tool said.
 */
export class MediaToolMissingError extends DetailedError {
  override readonly name = 'MediaToolMissingError';
  readonly code = 'media_tool_missing';
}

const INSTALL =
  'install it with `apt-get install -y ffmpeg espeak-ng fonts-dejavu-core` (npm start and npm test do this when it is missing)';

const probe = async (tool: string, path: string, args: string[], env: string): Promise<string> => {
  try {
    const { stdout } = await run(path, args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 4 << 20 });
    return stdout;
  } catch (cause) {
    throw new MediaToolMissingError(
      `${tool} is missing or broken: ${INSTALL}, or set ${env}`,
      `${tool} at "${path}": ${errorMessage(cause).slice(0, 600)}`,
      { cause },
    );
  }
};

/**
 * Checks, in well under a second, that ffmpeg has the H.264 and AAC encoders and the filters the
 * graph uses, that espeak-ng runs and that the fonts exist; throws {@link MediaToolMissingError}
 * naming the first thing missing.
 */
export async function checkMediaTools(tools: MediaTools): Promise<void> {
  const [encoders, filters] = await Promise.all([
    probe('ffmpeg', tools.ffmpeg, ['-hide_banner', '-encoders'], 'FFMPEG_PATH'),
    probe('ffmpeg', tools.ffmpeg, ['-hide_banner', '-filters'], 'FFMPEG_PATH'),
    probe('espeak-ng', tools.espeakNg, ['--version'], 'ESPEAK_NG_PATH'),
  ]);
  for (const [list, name] of [
    [encoders, 'libx264'],
    [encoders, 'aac'],
    [filters, 'drawtext'],
    [filters, 'xfade'],
    [filters, 'aevalsrc'],
  ] as const)
    if (!new RegExp(`\\s${name}\\s`).test(list))
      throw new MediaToolMissingError(
        `ffmpeg lacks ${name}: ${INSTALL}, or set FFMPEG_PATH to an ffmpeg 5 build with it`,
        `ffmpeg at "${tools.ffmpeg}" lacks ${name}`,
      );
  for (const font of FONT_FILES)
    await access(font).catch((cause: unknown) => {
      throw new MediaToolMissingError(`font ${font} is missing: ${INSTALL}`, errorMessage(cause), {
        cause,
      });
    });
}
