import { act, fireEvent, render, screen } from '@testing-library/react';
import { StrictMode, useRef, type ReactNode } from 'react';
import { PIPELINE } from '@liveline/protocol';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createClient } from '../core/createClient.js';
import { createFakeEnvironment } from '../test-utils/fakeEnvironment.js';
import { LivelineProvider } from './LivelineProvider.js';
import { useBoard } from './useBoard.js';
import { useChannel } from './useChannel.js';
import { useConnection } from './useConnection.js';
import { usePlayhead } from './usePlayhead.js';
import { useTransport } from './useTransport.js';
import { useWorkflow } from './useWorkflow.js';

const setup = (ui: ReactNode) => {
  const fake = createFakeEnvironment();
  const client = createClient({
    origin: 'http://h:1',
    environment: { ...fake.env, now: () => Date.now() },
  });
  const view = render(
    <StrictMode>
      <LivelineProvider client={client}>{ui}</LivelineProvider>
    </StrictMode>,
  );
  const socket = (path: string) => {
    const found = fake.sockets.filter((s) => new URL(s.url).pathname === path).at(-1);
    if (!found) throw new Error(`no socket for ${path}`);
    return found;
  };
  return { ...fake, client, view, socket };
};

function Status() {
  const state = useConnection(useChannel('coordinator'));
  return <p>{state.status === 'closed' ? `stopped: ${state.error.message}` : state.status}</p>;
}

describe('hooks', () => {
  it('render every connection status change, with one socket under StrictMode, closed on unmount', async () => {
    const { latest, sockets, view } = setup(<Status />);
    expect(sockets).toHaveLength(1);
    expect(screen.getByText('connecting')).toBeTruthy();
    act(() => latest().serve());
    expect(screen.getByText('open')).toBeTruthy();
    act(() => latest().drop(1012, 'restart'));
    expect(screen.getByText('reconnecting')).toBeTruthy();
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    act(() => latest().drop(4404, 'gone'));
    expect(screen.getByText('stopped: closed with 4404: not found')).toBeTruthy();
    view.unmount();
    await Promise.resolve();
    expect(sockets.every((s) => s.readyState === 3)).toBe(true);
  });

  it('useWorkflow reduces the snapshot and events, listing each event once', () => {
    const stage = PIPELINE[0].stage;
    function Run() {
      const { workflow, events } = useWorkflow('w1');
      const progress = workflow?.stages.find((s) => s.stage === stage)?.progress;
      return <p>{`${workflow?.status ?? 'none'} ${events.length} ${progress ?? '-'}`}</p>;
    }
    const { latest } = setup(<Run />);
    const workflow = {
      id: 'w1',
      mode: 'idea',
      title: 'T',
      input: 'an idea',
      status: 'queued',
      queue_position: 1,
      error: null,
      created_at: 0,
      updated_at: 0,
      stages: PIPELINE.map(({ stage, agent }) => ({
        stage,
        agent,
        status: 'waiting',
        progress: 0,
        started_at: null,
        completed_at: null,
        artifact: null,
      })),
    };
    const event = (seq: number, type: string, data: object) => ({
      type,
      seq,
      epoch: 'e',
      data: { workflow_id: 'w1', at: seq, ...data },
    });
    act(() => {
      latest().accept();
      latest().receive({
        type: 'snapshot',
        seq: 0,
        epoch: 'e',
        data: { workflow_id: 'w1', workflow },
      });
    });
    expect(screen.getByText('queued 0 0')).toBeTruthy();
    act(() => {
      latest().receive(event(1, 'workflow.started', {}));
      latest().receive(event(2, 'stage.started', { stage }));
      latest().receive(event(2, 'stage.started', { stage }));
      latest().receive(event(1, 'workflow.started', {}));
      latest().receive(event(3, 'stage.progress', { stage, progress: 40 }));
    });
    expect(screen.getByText('running 3 40')).toBeTruthy();
  });

  it('useBoard queues operations offline with an op_id and reports them waiting; its channel is the shared one', () => {
    function Board() {
      const board = useBoard('b1');
      const remove = () => board.apply({ type: 'card.delete', card_id: 'c1' });
      const rename = () => board.channel.send({ type: 'presence.update', name: 'Ada' });
      return (
        <>
          <button onClick={remove}>{`${board.connection.queued} waiting`}</button>
          <button onClick={rename}>rename</button>
        </>
      );
    }
    const { latest, sockets } = setup(<Board />);
    fireEvent.click(screen.getByText('0 waiting'));
    expect(screen.getByText('1 waiting')).toBeTruthy();
    fireEvent.click(screen.getByText('rename'));
    act(() => latest().serve());
    expect(sockets).toHaveLength(1);
    expect(latest().messages()).toEqual([
      { type: 'card.delete', card_id: 'c1', op_id: expect.any(String) as string },
      { type: 'presence.update', name: 'Ada' },
    ]);
    expect(screen.getByText('0 waiting')).toBeTruthy();
  });

  it('useTransport sends a loop with the bounds it is given, and none it is not', () => {
    function Daw() {
      const { loop } = useTransport();
      return (
        <>
          <button onClick={() => loop(true)}>loop</button>
          <button onClick={() => loop(true, 1, 2)}>loop 1–2</button>
        </>
      );
    }
    const { socket } = setup(<Daw />);
    act(() => socket('/ws/transport').serve());
    fireEvent.click(screen.getByText('loop'));
    fireEvent.click(screen.getByText('loop 1–2'));
    expect(socket('/ws/transport').messages()).toEqual([
      { type: 'loop', enabled: true },
      { type: 'loop', enabled: true, start_seconds: 1, end_seconds: 2 },
    ]);
  });

  it('usePlayhead draws nothing until the clock offset is known, then never steps back through jittered ticks and a reconnect whose first probe is congested, rendering only on transport changes', () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    let renders = 0;
    const placed: number[] = [];
    function Daw() {
      const ref = useRef<HTMLDivElement>(null);
      const { state } = useTransport();
      usePlayhead(ref, (_, seconds) => placed.push(seconds));
      renders++;
      return <div ref={ref} title={state?.playing ? 'playing' : 'stopped'} />;
    }
    const { socket, view } = setup(<Daw />);
    const clock = () => socket('/ws/transport/clock');
    // The server's clock is 5 s behind this device's.
    const serverNow = () => Date.now() - 5000;
    const start = serverNow();
    const tick = (time: number, playing = true) =>
      act(() =>
        clock().receive({
          playing,
          time_seconds: time,
          sample_pos: 0,
          bpm: 120,
          beat_pos: 0,
          timestamp_ms: serverNow(),
          loop_enabled: false,
          loop_start_seconds: 0,
          loop_end_seconds: 0,
        }),
      );
    const advance = (ms: number) => act(() => void vi.advanceTimersByTime(ms));
    /** Ticks at 30 Hz for `count` ticks, each 20 ms early or late; frames run in between. */
    const play = (count: number) => {
      for (let i = 0; i < count; i++) {
        advance(33);
        tick(10 + (serverNow() - start + (i % 2 ? 20 : -20)) / 1000);
      }
    };
    /** Answers the newest probe after `up` ms on the way out and `down` ms back. */
    const answer = (up: number, down: number) => {
      const { id, t0 } = clock().messages().at(-1) as { id: number; t0: number };
      advance(up);
      const t1 = serverNow();
      advance(down);
      act(() => clock().receive({ type: 'time_sync', data: { id, t0, t1, t2: t1 } }));
    };
    act(() => {
      clock().serve();
      socket('/ws/transport').serve();
    });
    tick(10);
    play(5);
    expect(placed).toEqual([]);
    for (let i = 0; i < 5; i++) answer(5, 5);
    const before = renders;
    play(20);
    expect(renders).toBe(before);
    act(() => clock().drop(1006));
    advance(1000);
    act(() => clock().serve());
    // A congested path: the first probe is asymmetric (340 ms behind), the best one is exact.
    answer(20, 700);
    for (const ms of [200, 150, 100, 120]) answer(ms, ms);
    const after = renders;
    play(20);
    expect(renders).toBe(after);
    expect(new Set(placed).size).toBeGreaterThan(100);
    expect(placed).toEqual([...placed].sort((a, b) => a - b));
    tick(12, false);
    expect(view.container.querySelector('div')?.title).toBe('stopped');
    expect(renders - after).toBeLessThanOrEqual(2); // one commit, rendered twice by StrictMode
    advance(16);
    expect(placed.at(-1)).toBe(12);
  });
});
