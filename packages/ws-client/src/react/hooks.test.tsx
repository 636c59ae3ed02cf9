import { act, fireEvent, render, screen } from '@testing-library/react';
import { StrictMode, useRef, type ReactNode } from 'react';
import { PIPELINE } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
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
    act(() => latest().accept());
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
    act(() => latest().accept());
    expect(sockets).toHaveLength(1);
    expect(latest().messages()).toEqual([
      { type: 'card.delete', card_id: 'c1', op_id: expect.any(String) as string },
      { type: 'presence.update', name: 'Ada' },
    ]);
    expect(screen.getByText('0 waiting')).toBeTruthy();
  });

  it('usePlayhead moves the element every frame, eased so it never steps back, while the component renders once per transport change', async () => {
    let renders = 0;
    function Daw() {
      const ref = useRef<HTMLDivElement>(null);
      const { state } = useTransport();
      usePlayhead(ref);
      renders++;
      return (
        <div ref={ref} data-testid="playhead" title={state?.playing ? 'playing' : 'stopped'} />
      );
    }
    const { socket } = setup(<Daw />);
    const clock = socket('/ws/transport/clock');
    act(() => {
      clock.accept();
      socket('/ws/transport').accept();
      // The playhead is drawn once the clock offset is known (rule C2): answer the first probe.
      const { id, t0 } = clock.messages()[0] as { id: number; t0: number };
      clock.receive({ type: 'time_sync', data: { id, t0, t1: t0, t2: t0 } });
    });
    const tick = (time: number, playing = true) =>
      clock.receive({
        playing,
        time_seconds: time,
        sample_pos: 0,
        bpm: 120,
        beat_pos: 0,
        timestamp_ms: Date.now(),
        loop_enabled: false,
        loop_start_seconds: 0,
        loop_end_seconds: 0,
      });
    const start = Date.now();
    act(() => tick(10));
    const before = renders;
    const playhead = screen.getByTestId('playhead');
    const positions: number[] = [];
    for (let i = 0; i < 20; i++) {
      await act(() => new Promise((resolve) => setTimeout(resolve, 33)));
      // Ticks 20 ms early or late: the eased playhead still never steps back.
      tick(10 + (Date.now() - start + (i % 2 ? 20 : -20)) / 1000);
      positions.push(Number(/[\d.]+/.exec(playhead.style.transform)?.[0]));
    }
    expect(new Set(positions).size).toBeGreaterThan(10);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(renders).toBe(before);
    act(() => tick(12, false));
    expect(playhead.title).toBe('stopped');
    expect(renders - before).toBeLessThanOrEqual(2); // one commit, rendered twice by StrictMode
    await vi.waitFor(() => expect(playhead.style.transform).toBe('translateX(1200px)'));
  });
});
