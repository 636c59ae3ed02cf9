import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What ffprobe reports of a media file: its streams and its length. */
export interface MediaProbe {
  readonly streams: readonly {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
  }[];
  readonly durationSeconds: number;
}

/** Runs Debian's ffprobe on `file`. */
export async function probeMedia(file: string): Promise<MediaProbe> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name,width,height,avg_frame_rate:format=duration',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout) as {
    streams: MediaProbe['streams'];
    format: { duration: string };
  };
  return { streams: parsed.streams, durationSeconds: Number(parsed.format.duration) };
}

/** Peak and mean loudness of `file`'s audio from `fromSeconds` for `seconds`, in dBFS (ffmpeg volumedetect). */
export async function measureVolume(
  file: string,
  fromSeconds: number,
  seconds: number,
): Promise<{ maxDb: number; meanDb: number }> {
  const { stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-nostdin',
    '-ss',
    String(fromSeconds),
    '-t',
    String(seconds),
    '-i',
    file,
    '-vn',
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  const db = (name: string): number =>
    Number(
      new RegExp(`${name}: (-?[\\d.]+|-inf) dB`).exec(stderr)?.[1]?.replace('-inf', '-Infinity'),
    );
  return { maxDb: db('max_volume'), meanDb: db('mean_volume') };
}
