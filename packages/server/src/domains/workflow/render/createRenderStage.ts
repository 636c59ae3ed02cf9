import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { routePath } from '@liveline/protocol';
import { errorDetail, errorMessage } from '../../../errors.js';
import type { Logger } from '../../../log/createLogger.js';
import type { Stage } from '../Stage.js';
import { buildFilterGraph } from './filterGraph.js';
import { checkMediaTools, type MediaTools } from './mediaTools.js';
import { planRender, VIDEO_FORMAT } from './renderPlan.js';
import { runNiced } from './runNiced.js';
import { synthesizeVoices, voiceFile } from './synthesizeVoices.js';
import {
  RENDER_TEMP_PREFIX,
  renderTempPrefix,
  sweepRenderLeftovers,
  videoDir,
  videoPath,
} from './videoFiles.js';

/** Runs at once per render agent; more renders wait in the agent's queue. */
export const RENDER_AGENT_CAPACITY = 1;
const OUTPUT = 'video.mp4';
const MIME_TYPE = 'video/mp4';
/** The encoder's time for any video, besides {@link ENCODE_MS_PER_VIDEO_SECOND}: its start-up. */
const ENCODE_BASE_MS = 60_000;
/**
 * The encoder's time per second of video. It encodes these still cards many times faster than
 * real time, so ten seconds a second bounds only a hung or starved one (W5).
 */
const ENCODE_MS_PER_VIDEO_SECOND = 10_000;

/** How long the encoder may run for a video of `totalFrames` before it is killed (W5). */
const encodeTimeoutMs = (totalFrames: number): number =>
  ENCODE_BASE_MS + (ENCODE_MS_PER_VIDEO_SECOND * totalFrames) / VIDEO_FORMAT.fps;

const encoderArgs = (inputs: readonly string[]): string[] => [
  '-hide_banner',
  '-nostdin',
  '-y',
  ...inputs.flatMap((file) => ['-i', file]),
  '-filter_complex_script',
  'graph.txt',
  '-map',
  '[vout]',
  '-map',
  '[aout]',
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'stillimage',
  '-pix_fmt',
  'yuv420p',
  '-r',
  String(VIDEO_FORMAT.fps),
  '-c:a',
  'aac',
  '-b:a',
  '128k',
  '-movflags',
  '+faststart',
  '-progress',
  'pipe:1',
  '-stats_period',
  '0.25',
  '-nostats',
  OUTPUT,
];

/**
 * The render stage: draws each shot of the cut sheet as a card, speaks its voice line with
 * espeak-ng, lays a music bed in the audio plan's mood, and encodes an H.264/AAC MP4 with ffmpeg
 * at low priority into `<videosDir>/<id>/video.mp4`, reporting frames encoded as progress. Its
 * working files live beside the video, named after the node, and are removed however the render
 * ends; at creation the node sweeps those a killed server left. The tools are checked once at
 * creation too, so a missing encoder is logged when the server starts, not first found by a
 * user's run minutes later.
 */
export function createRenderStage(options: {
  videosDir: string;
  /** This node's id, in its working directories' names. */
  nodeId: string;
  /** Whether other nodes may render in `videosDir` (cluster mode): then only this node's are swept. */
  shared: boolean;
  tools: MediaTools;
  log: Logger;
}): Stage {
  const { videosDir, tools, log } = options;
  const prefix = renderTempPrefix(options.nodeId);
  sweepRenderLeftovers(videosDir, options.shared ? prefix : RENDER_TEMP_PREFIX);
  checkMediaTools(tools).catch((error: unknown) =>
    log.warn('render.tools_missing', { error: errorMessage(error), detail: errorDetail(error) }),
  );
  return {
    async run(input, previous, signal, report) {
      const plan = planRender(previous);
      await checkMediaTools(tools);
      const dir = videoDir(videosDir, input.id);
      await mkdir(dir, { recursive: true });
      const work = await mkdtemp(join(dir, prefix));
      try {
        const voices = await synthesizeVoices(plan, work, tools.espeakNg, signal);
        const { graph, files } = buildFilterGraph(plan, voices);
        for (const file of files) await writeFile(join(work, file.name), file.content);
        await writeFile(join(work, 'graph.txt'), graph);
        let reported = 0;
        await runNiced(tools.ffmpeg, encoderArgs([...voices.keys()].map(voiceFile)), {
          cwd: work,
          signal,
          timeoutMs: encodeTimeoutMs(plan.totalFrames),
          onLine(line) {
            const frame = /^frame=(\d+)/.exec(line)?.[1];
            const progress = Math.min(99, Math.floor((100 * Number(frame)) / plan.totalFrames));
            if (frame === undefined || progress <= reported) return;
            reported = progress;
            report(progress);
          },
        });
        // A cancel that lands after the encoder exited: the video stays in the working directory,
        // which is removed below, rather than become a file no one is served (W5).
        signal.throwIfAborted();
        const target = videoPath(videosDir, input.id);
        await rename(join(work, OUTPUT), target);
        return {
          kind: 'video',
          url: routePath('workflowVideo', { id: input.id }),
          mime_type: MIME_TYPE,
          duration_seconds: plan.totalFrames / VIDEO_FORMAT.fps,
          ...VIDEO_FORMAT,
          bytes: (await stat(target)).size,
        };
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
