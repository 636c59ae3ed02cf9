import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Workflow } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../../../test-utils/index.js';
import { createLogger } from '../../../log/createLogger.js';
import { measureVolume, probeMedia } from '../../../test-utils/probeMedia.js';
import { spawnServer } from '../../../test-utils/spawnServer.js';
import { getWorkflow, waitForStatus } from '../../../test-utils/workflows.js';

/** Two scenes: two short shots (about 11 s), a dissolve between them, a line on the first only. */
const IDEA = 'Rain falls on the harbour. The sun comes out.';
const SCRIPT = 'INT. KITCHEN - NIGHT\nAnna pours tea.\n\nEXT. GARDEN - DAY\nThe cat sleeps.';
const LONG_IDEA =
  'A lighthouse keeper finds a map in a bottle, old and torn. She sails into the storm, alone. The waves rise, grey and tall. An island appears at dawn. She climbs the cliffs, slowly. A door waits in the rock. Inside, her own name, carved. She smiles and sails home.';

const start = (server: { origin: string }, id: string, input: string, mode = 'idea') =>
  rawRequest(server, '/api/workflows', { body: { id, mode, input } });
const stageOf = (workflow: Workflow, stage: string) =>
  workflow.stages.find((s) => s.stage === stage);

/** Pids of processes working inside `dir` (the encoder runs with its working directory there). */
const processesIn = (dir: string): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
      } catch {
        return false; // the process exited while we looked, or is not ours to inspect
      }
    })
    .map(Number);

describe('render stage', () => {
  it(
    'W5 idea and script runs each render an H.264/AAC 1280×720 MP4 as long as the cut sheet (only the video left), voice audible inside its shot, one render at a time',
    { timeout: 120_000 },
    async () => {
      const dataDir = tempDataDir();
      const server = await startTestServer({ dataDir, renderVideo: true, agentCapacity: 2 });
      await start(server, 'v1', IDEA);
      await start(server, 'v2', SCRIPT, 'script');
      for (const id of ['v1', 'v2']) await waitForStatus(server, id, 'completed', 60_000);

      const runs = await Promise.all(['v1', 'v2'].map((id) => getWorkflow(server, id)));
      for (const workflow of runs) {
        const cut = stageOf(workflow, 'edit')?.artifact;
        if (cut?.kind !== 'cut_sheet') throw new Error('no cut sheet');
        const video = await probeMedia(join(dataDir, 'videos', workflow.id, 'video.mp4'));
        expect(video.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([
          ['video', 'h264'],
          ['audio', 'aac'],
        ]);
        expect(video.streams[0]).toMatchObject({
          width: 1280,
          height: 720,
          avg_frame_rate: '25/1',
        });
        expect(Math.abs(video.durationSeconds - cut.total_seconds)).toBeLessThanOrEqual(0.2);
        // The working files (cards, voice WAVs, graph) are gone; only the video stays.
        expect(readdirSync(join(dataDir, 'videos', workflow.id))).toEqual(['video.mp4']);
        expect(stageOf(workflow, 'render')?.artifact).toMatchObject({
          kind: 'video',
          url: `/api/workflows/${workflow.id}/video`,
        });
      }

      const cut = stageOf(runs[0] as Workflow, 'edit')?.artifact;
      if (cut?.kind !== 'cut_sheet') throw new Error('no cut sheet');
      const [voiced, silent] = cut.entries;
      if (!voiced || !silent) throw new Error('expected two shots');
      const file = join(dataDir, 'videos/v1/video.mp4');
      const voice = await measureVolume(file, voiced.start_seconds + 0.2, 1.5);
      const bed = await measureVolume(file, silent.start_seconds + 0.6, 1.5);
      const afterLine = await measureVolume(file, voiced.end_seconds - 0.2, 0.4);
      expect(voice.maxDb).toBeGreaterThan(-15);
      expect(bed.maxDb).toBeLessThan(voice.maxDb - 10);
      expect(afterLine.maxDb).toBeLessThan(voice.maxDb - 10);

      const renders = runs.map((w) => stageOf(w, 'render'));
      const [first, second] = [...renders].sort(
        (a, b) => (a?.started_at ?? 0) - (b?.started_at ?? 0),
      );
      expect(second?.started_at).toBeGreaterThanOrEqual(first?.completed_at ?? Infinity);
      const agents = (await rawRequest(server, '/api/agents')).json?.agents as {
        name: string;
        capacity: number;
      }[];
      expect(agents.find((a) => a.name === 'renderer')?.capacity).toBe(1);
    },
  );

  it(
    'W6 GET /api/workflows/{id}/video is 404 JSON until rendered, then 200 whole with Accept-Ranges, 206 for a range, 416 past the end, and 200 whole for a malformed or multi-range header; 410 once the rendered file is missing, logged once',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDataDir();
      const warnings: string[] = [];
      const logger = createLogger('warn', (line) => warnings.push(line));
      const server = await startTestServer({
        dataDir,
        logger,
        renderVideo: true,
        stageDurationMs: 200,
      });
      const unknown = await rawRequest(server, '/api/workflows/nope/video');
      expect([unknown.status, unknown.json]).toMatchObject([404, { error: { code: 'not_found' } }]);
      await start(server, 'r1', 'Rain.');
      const early = await rawRequest(server, '/api/workflows/r1/video');
      expect([early.status, early.json]).toMatchObject([
        404,
        { error: { message: expect.stringContaining('no video yet') as string } },
      ]);
      await waitForStatus(server, 'r1', 'completed', 60_000);

      const url = `${server.origin}/api/workflows/r1/video`;
      const whole = await fetch(url);
      const bytes = Buffer.from(await whole.arrayBuffer());
      expect([
        whole.status,
        whole.headers.get('content-type'),
        whole.headers.get('content-length'),
        whole.headers.get('accept-ranges'),
      ]).toEqual([200, 'video/mp4', String(bytes.length), 'bytes']);
      const size = bytes.length;
      // A malformed or multi-range header is ignored: the whole file, as RFC 9110 allows.
      for (const range of ['bytes=0-1,5-9', 'bytes=5-1']) {
        const ignored = await fetch(url, { headers: { Range: range } });
        expect([ignored.status, ignored.headers.get('content-length')], range).toEqual([
          200,
          String(size),
        ]);
        await ignored.arrayBuffer();
      }
      for (const [range, from, to] of [
        ['bytes=100-1099', 100, 1099],
        [`bytes=-50`, size - 50, size - 1],
        [`bytes=${size - 10}-`, size - 10, size - 1],
      ] as const) {
        const part = await fetch(url, { headers: { Range: range } });
        expect([
          part.status,
          part.headers.get('content-range'),
          part.headers.get('content-length'),
        ]).toEqual([206, `bytes ${from}-${to}/${size}`, String(to - from + 1)]);
        expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(from, to + 1))).toBe(
          true,
        );
      }
      const past = await fetch(url, { headers: { Range: `bytes=${size}-` } });
      expect([past.status, past.headers.get('content-range'), await past.json()]).toMatchObject([
        416,
        `bytes */${size}`,
        { error: { code: 'invalid_field' } },
      ]);

      // As after a restore without the videos directory: the stored run says rendered.
      rmSync(join(dataDir, 'videos/r1/video.mp4'));
      expect(await rawRequest(server, '/api/workflows/r1/video')).toMatchObject({
        status: 410,
        json: {
          error: {
            code: 'not_found',
            message: expect.stringContaining('its video file is missing') as string,
          },
        },
      });
      expect(warnings.filter((line) => line.includes('video.file_missing'))).toHaveLength(1);
    },
  );

  it(
    'W5 render progress streams as stage progress, and cancelling mid-render kills the encoder and leaves no file',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDataDir();
      const server = await startTestServer({ dataDir, renderVideo: true });
      const client = await connectTestClient(wsOrigin(server, '/ws/workflow/c1'));
      await start(server, 'c1', LONG_IDEA);
      const progress = await client.next(
        (m) => m.type === 'stage.progress' && dataOf(m).stage === 'render',
        60_000,
      );
      expect(dataOf(progress).progress).toBeGreaterThan(0);
      const dir = join(dataDir, 'videos/c1');
      expect(processesIn(dir).length).toBeGreaterThan(0);

      await rawRequest(server, '/api/workflows/c1/cancel', { method: 'POST' });
      await expect.poll(() => processesIn(dir), { timeout: 10_000 }).toEqual([]);
      await expect.poll(() => readdirSync(dir), { timeout: 10_000 }).toEqual([]);
      expect((await rawRequest(server, '/api/workflows/c1/video')).status).toBe(404);
    },
  );

  it('W5 a SIGKILLed server takes its running encoder with it', { timeout: 60_000 }, async () => {
    const dataDir = tempDataDir();
    const child = await spawnServer(dataDir, {
      env: { RENDER_VIDEO: 'true', STAGE_DURATION_MS: '200' },
    });
    const client = await connectTestClient(wsOrigin(child, '/ws/workflow/k2'));
    await start(child, 'k2', LONG_IDEA);
    await client.next((m) => m.type === 'stage.progress' && dataOf(m).stage === 'render', 60_000);
    const dir = join(dataDir, 'videos/k2');
    expect(processesIn(dir).length).toBeGreaterThan(0);

    child.process.kill('SIGKILL');
    await child.exited;
    await expect.poll(() => processesIn(dir), { timeout: 10_000 }).toEqual([]);
  });

  it.each([
    ['ffmpeg is not installed', 'no-such-ffmpeg', 'ffmpeg is missing'],
    ['ffmpeg has no H.264 encoder', 'ffmpeg-without-x264', 'lacks libx264'],
  ])(
    'W5 when %s the start logs it once and the render stage fails at once, naming it and how to install it but not its path; the other artifacts stay',
    { timeout: 30_000 },
    async (_, binary, named) => {
      const dataDir = tempDataDir();
      // An injected failure: a stand-in ffmpeg that lists only an MPEG-4 encoder.
      writeFileSync(
        join(dataDir, 'ffmpeg-without-x264'),
        '#!/bin/sh\necho " V..... mpeg4   MPEG-4 part 2"\n',
      );
      chmodSync(join(dataDir, 'ffmpeg-without-x264'), 0o755);
      const warnings: [string, unknown][] = [];
      const ignore = (): void => {};
      const server = await startTestServer({
        dataDir,
        renderVideo: true,
        ffmpegPath: join(dataDir, binary),
        logger: {
          debug: ignore,
          info: ignore,
          error: ignore,
          warn: (event, fields) => warnings.push([event, fields?.error]),
        },
      });
      const toolWarnings = () => warnings.filter(([event]) => event === 'render.tools_missing');
      await expect
        .poll(toolWarnings)
        .toEqual([['render.tools_missing', expect.stringContaining(named)]]);
      await start(server, 'm1', IDEA);
      await waitForStatus(server, 'm1', 'failed', 30_000);
      const workflow = await getWorkflow(server, 'm1');
      expect(workflow.error).toContain(named);
      expect(workflow.error).toContain('apt-get install -y ffmpeg');
      expect(workflow.error).not.toContain(dataDir);
      expect(stageOf(workflow, 'render')?.status).toBe('failed');
      expect(stageOf(workflow, 'edit')?.artifact?.kind).toBe('cut_sheet');
      expect(toolWarnings()).toHaveLength(1);
      expect(
        existsSync(join(dataDir, 'videos/m1')) ? readdirSync(join(dataDir, 'videos/m1')) : [],
      ).toEqual([]);
    },
  );

  it(
    'W5 a render whose ffmpeg fails tells watchers the tool, its exit code and a plain cause, never its path or stderr; the server log has them',
    { timeout: 30_000 },
    async () => {
      const dataDir = tempDataDir();
      // An injected failure: an ffmpeg that passes the checks, then fails as on a full disk.
      const ffmpeg = join(dataDir, 'tools/ffmpeg');
      mkdirSync(join(dataDir, 'tools'));
      writeFileSync(
        ffmpeg,
        `#!/bin/sh\ncase "$2" in -encoders|-filters) exec ffmpeg "$@";; esac\necho "$0: video.mp4: No space left on device" >&2\nexit 1\n`,
      );
      chmodSync(ffmpeg, 0o755);
      const lines: string[] = [];
      const logger = createLogger('warn', (line) => lines.push(line));
      const server = await startTestServer({
        dataDir,
        renderVideo: true,
        ffmpegPath: ffmpeg,
        logger,
      });
      const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/d1'));
      await start(server, 'd1', IDEA);

      const failed = await watcher.next('workflow.failed', 30_000);
      const reason = 'ffmpeg exited with code 1: no space left on device';
      expect(dataOf(failed)).toMatchObject({ stage: 'render', reason });
      const logged = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.event === 'workflow.failed');
      expect(logged).toEqual([
        expect.objectContaining({
          workflow_id: 'd1',
          stage: 'render',
          reason,
          detail: `${ffmpeg}: ${ffmpeg}: video.mp4: No space left on device`,
        }),
      ]);
    },
  );

  it('W5 a server that starts removes the working files of renders a killed server left, and keeps finished videos', async () => {
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, 'videos/k1/.render-abc'), { recursive: true });
    writeFileSync(join(dataDir, 'videos/k1/.render-abc/video.mp4'), 'partial');
    writeFileSync(join(dataDir, 'videos/k1/video.mp4'), 'finished');
    await startTestServer({ dataDir, renderVideo: true });
    expect(readdirSync(join(dataDir, 'videos/k1'))).toEqual(['video.mp4']);
    expect(readFileSync(join(dataDir, 'videos/k1/video.mp4'), 'utf8')).toBe('finished');
  });
});
