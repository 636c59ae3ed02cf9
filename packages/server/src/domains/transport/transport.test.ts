import { clockStateSchema, parse, transportServerMessage } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestMessage,
} from '../../test-utils/index.js';
import { ANCHOR_OP_IDS_KEPT } from './anchorOpIds.js';

const CLOCK_KEYS = [
  'playing',
  'time_seconds',
  'sample_pos',
  'bpm',
  'beat_pos',
  'loop_enabled',
  'loop_start_seconds',
  'loop_end_seconds',
  'timestamp_ms',
];

describe('DAW transport', () => {
  it('C1 /ws/transport/clock sends the flat state exactly as the DAW document; /ws sends typed state', async () => {
    const server = await startTestServer();
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    const tick = await clock.next((m) => 'playing' in m);
    expect(Object.keys(tick)).toEqual(CLOCK_KEYS);
    expect(parse(clockStateSchema, tick).ok).toBe(true);
    const general = await connectTestClient(wsOrigin(server, '/ws'));
    const state = await general.next('state');
    expect(parse(transportServerMessage, state).ok).toBe(true);
    expect(Object.keys(dataOf(state))).toEqual([
      'playing',
      'time_seconds',
      'sample_pos',
      'bpm',
      'beat_pos',
      'timestamp_ms',
    ]);
  });

  it('C1 timestamp_ms is a whole millisecond, and a playing tick’s position is the one at that millisecond', async () => {
    const server = await startTestServer();
    const control = await connectTestClient(wsOrigin(server, '/ws/transport'));
    control.send({ type: 'play', op_id: 'play' });
    const state = dataOf(await control.next((m) => m.type === 'state'));
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    const first = await clock.next((m) => m.playing === true);
    const second = await clock.next((m) => Number(m.timestamp_ms) > Number(first.timestamp_ms));
    for (const stamp of [state, first, second].map((m) => m.timestamp_ms))
      expect(Number.isInteger(stamp), String(stamp)).toBe(true);
    // Nothing was commanded between the two ticks: the position moved exactly as far as the stamps.
    expect(Number(second.time_seconds) - Number(first.time_seconds)).toBeCloseTo(
      (Number(second.timestamp_ms) - Number(first.timestamp_ms)) / 1000,
      6,
    );
  });

  it('C4 every DAW command: play, pause, resume, seek, tempo, loop, stop; play and seek keep the position and the playing state they find', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/transport'));
    let sent = 0;
    const after = async (
      command: TestMessage,
      check: (s: TestMessage) => boolean,
    ): Promise<TestMessage> => {
      const from = client.messages.length;
      const opId = `op-${(sent += 1)}`;
      client.send({ ...command, op_id: opId });
      await client.next((m) => m.type === 'ack' && dataOf(m).op_id === opId);
      const later = (m: TestMessage): boolean => client.messages.indexOf(m) >= from;
      return dataOf(await client.next((m) => later(m) && m.type === 'state' && check(dataOf(m))));
    };
    await after({ type: 'play' }, (s) => s.playing === true);
    await client.next((m) => m.type === 'state' && Number(dataOf(m).time_seconds) > 0.05);
    const paused = await after({ type: 'pause' }, (s) => s.playing === false);
    const still = dataOf(
      await client.next(
        (m) => m.type === 'state' && Number(dataOf(m).timestamp_ms) > Number(paused.timestamp_ms),
      ),
    );
    expect(still.time_seconds).toBe(paused.time_seconds);
    await after(
      { type: 'resume' },
      (s) => s.playing === true && Number(s.time_seconds) >= Number(paused.time_seconds),
    );
    const sought = await after(
      { type: 'seek', time_seconds: 10.5 },
      (s) => Number(s.time_seconds) >= 10.5,
    );
    expect(sought.playing).toBe(true);
    const tempo = await after({ type: 'tempo', bpm: 140 }, (s) => s.bpm === 140);
    expect(Number(tempo.beat_pos)).toBeCloseTo((Number(tempo.time_seconds) * 140) / 60, 6);
    expect(tempo.sample_pos).toBe(Math.round(Number(tempo.time_seconds) * 44_100));
    await after(
      { type: 'loop', enabled: true, start_seconds: 1, end_seconds: 2 },
      (s) => Number(s.time_seconds) < 2,
    );
    const stopped = await after({ type: 'stop' }, (s) => s.playing === false);
    expect(stopped.time_seconds).toBe(0);
    expect((await rawRequest(server, '/api/transport')).json).toMatchObject({
      state: { playing: false, loop_enabled: true, bpm: 140 },
    });
    // A seek keeps a stopped transport stopped, and play starts from where it is, not from 0.
    await after({ type: 'loop', enabled: false }, (s) => s.playing === false);
    const parked = await after({ type: 'seek', time_seconds: 30 }, (s) => s.time_seconds === 30);
    expect(parked.playing).toBe(false);
    const playing = await after({ type: 'play' }, (s) => s.playing === true);
    expect(Number(playing.time_seconds)).toBeGreaterThanOrEqual(30);
  });

  it('C4 a position commanded past the end of an enabled loop lands inside it: the answer, the paused playhead and play agree', async () => {
    const server = await startTestServer();
    const command = async (body: TestMessage) =>
      ((await rawRequest(server, '/api/transport', { body })).json as { state: TestMessage }).state;
    await command({ type: 'loop', enabled: true, start_seconds: 2, end_seconds: 8 });
    const parked = await command({ type: 'seek', time_seconds: 21 });
    expect(parked.time_seconds).toBe(3);
    const played = await command({ type: 'play' });
    expect(Number(played.time_seconds)).toBeGreaterThanOrEqual(3);
    expect(Number(played.time_seconds)).toBeLessThan(4);
    await command({ type: 'loop', enabled: false });
    await command({ type: 'pause' });
    await command({ type: 'seek', time_seconds: 11 });
    const enabled = await command({ type: 'loop', enabled: true });
    expect(enabled.time_seconds).toBe(5);
  });

  it('C5 a command sent again under an op id already applied is answered duplicate and changes nothing: on the socket, over HTTP and after a restart', async () => {
    const dataDir = tempDataDir();
    const server = await startTestServer({ dataDir });
    const client = await connectTestClient(wsOrigin(server, '/ws/transport'));
    const answer = async (command: TestMessage): Promise<TestMessage> => {
      client.send(command);
      return client.next((m) => dataOf(m).op_id === command.op_id);
    };
    const seekTo5 = { type: 'seek', time_seconds: 5, op_id: 'seek-5' };
    expect(await answer(seekTo5)).toEqual({ type: 'ack', data: { op_id: 'seek-5' } });
    await answer({ type: 'seek', time_seconds: 7, op_id: 'seek-7' });
    expect(await answer(seekTo5)).toEqual({
      type: 'ack',
      data: { op_id: 'seek-5', duplicate: true },
    });
    const overHttp = async (node: { origin: string }) => {
      const reply = await rawRequest(node, '/api/transport', { body: seekTo5 });
      return { status: reply.status, ...reply.json };
    };
    const unchanged = { status: 200, state: { time_seconds: 7 }, duplicate: true };
    expect(await overHttp(server)).toMatchObject(unchanged);
    await server.stop();
    expect(await overHttp(await startTestServer({ dataDir }))).toMatchObject(unchanged);
  });

  it('TA2 a node stopped cleanly while playing plays on from where it stopped once started again, not from the last command', async () => {
    const dataDir = tempDataDir();
    const server = await startTestServer({ dataDir });
    const command = (body: TestMessage) => rawRequest(server, '/api/transport', { body });
    await command({ type: 'seek', time_seconds: 5 });
    await command({ type: 'play' });
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    const moved = await clock.next((m) => Number(m.time_seconds) >= 5.5);
    await server.stop();
    const restarted = await startTestServer({ dataDir });
    const state = (await rawRequest(restarted, '/api/transport')).json?.state as TestMessage;
    expect(state.playing).toBe(true);
    expect(Number(state.time_seconds)).toBeGreaterThanOrEqual(Number(moved.time_seconds));
  });

  it('C5 the anchor keeps the newest 64 op ids: one older than those is applied again', async () => {
    const server = await startTestServer();
    const seek = (time_seconds: number, op_id: string) =>
      rawRequest(server, '/api/transport', { body: { type: 'seek', time_seconds, op_id } });
    await seek(1, 'oldest');
    for (let i = 1; i < ANCHOR_OP_IDS_KEPT; i += 1) await seek(2, `newer-${i}`);
    expect((await seek(3, 'oldest')).json).toMatchObject({ duplicate: true });
    await seek(2, `newer-${ANCHOR_OP_IDS_KEPT}`);
    const applied = (await seek(3, 'oldest')).json;
    expect(applied).toMatchObject({ state: { time_seconds: 3 } });
    expect(applied).not.toHaveProperty('duplicate');
  });

  it('C4 bpm 20–400 and positions 0–86400 s are taken at their bounds and refused past them, changing nothing', async () => {
    // The documented bounds, not the constants: a test that read them would follow a change.
    const [BPM_MIN, BPM_MAX, MAX_POSITION_SECONDS] = [20, 400, 86_400];
    const server = await startTestServer();
    const command = (body: TestMessage) => rawRequest(server, '/api/transport', { body });
    const state = async () =>
      (await rawRequest(server, '/api/transport')).json?.state as TestMessage;
    for (const body of [
      { type: 'tempo', bpm: BPM_MIN },
      { type: 'seek', time_seconds: 0 },
      // Disabled: an enabled loop would wrap a position at its end back to its start (C4).
      { type: 'loop', enabled: false, start_seconds: 0, end_seconds: MAX_POSITION_SECONDS },
      { type: 'seek', time_seconds: MAX_POSITION_SECONDS },
      { type: 'tempo', bpm: BPM_MAX },
    ])
      expect((await command(body)).status, JSON.stringify(body)).toBe(200);
    const taken = await state();
    expect(taken).toMatchObject({ bpm: BPM_MAX, time_seconds: MAX_POSITION_SECONDS });
    expect(taken).toMatchObject({ loop_start_seconds: 0, loop_end_seconds: MAX_POSITION_SECONDS });
    for (const [body, field] of [
      [{ type: 'tempo', bpm: BPM_MIN - 0.01 }, 'bpm'],
      [{ type: 'tempo', bpm: BPM_MAX + 0.01 }, 'bpm'],
      [{ type: 'seek', time_seconds: MAX_POSITION_SECONDS + 0.01 }, 'time_seconds'],
      [{ type: 'loop', enabled: true, end_seconds: MAX_POSITION_SECONDS + 1 }, 'end_seconds'],
    ] as const) {
      const refused = await command(body);
      expect([refused.status, refused.json], JSON.stringify(body)).toMatchObject([
        400,
        { error: { code: 'invalid_field', field } },
      ]);
    }
    expect({ ...(await state()), timestamp_ms: 0 }).toEqual({ ...taken, timestamp_ms: 0 });
  });

  it('E1 every invalid DAW command gets an error naming the field and the transport keeps running', async () => {
    const server = await startTestServer();
    const cases: [unknown, string][] = [
      [{ type: 'seek', time_seconds: -1 }, 'time_seconds'],
      [{ type: 'seek', time_seconds: 'ten' }, 'time_seconds'],
      [{ type: 'seek' }, 'time_seconds'],
      [{ type: 'tempo', bpm: 5 }, 'bpm'],
      [{ type: 'tempo', bpm: 9999 }, 'bpm'],
      [{ type: 'loop', enabled: 'yes' }, 'enabled'],
      [{ type: 'loop', enabled: true, start_seconds: 5, end_seconds: 2 }, 'end_seconds'],
      [{ type: 'play', op_id: 'bad id!' }, 'op_id'],
      [{ type: 'fly' }, 'type'],
    ];
    for (const [command, field] of cases) {
      // A fresh socket per case: more than 5 bad messages on one socket is closed (rule E2).
      const client = await connectTestClient(wsOrigin(server, '/ws/transport'));
      client.send(command);
      expect(dataOf(await client.next('error'))).toMatchObject({ field });
      client.send({ type: 'time_sync', id: 1, t0: 1 });
      await client.next('time_sync');
    }
    // PROTOCOL.md's example of E1, word for word.
    const example = await connectTestClient(wsOrigin(server, '/ws/transport'));
    example.send({ type: 'seek', time_seconds: -1 });
    expect(await example.next('error')).toEqual({
      type: 'error',
      data: { code: 'invalid_field', field: 'time_seconds', message: 'time_seconds: expected ≥ 0' },
    });
    const http = await rawRequest(server, '/api/transport', { body: { type: 'tempo', bpm: 0 } });
    expect(http.status).toBe(400);
    expect(http.json).toMatchObject({ error: { field: 'bpm' } });
  });
});
