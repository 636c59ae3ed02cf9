import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Workflow } from '@liveline/protocol';
import { setServerOrigin } from '../lib/serverOrigin';
import { useRecentRunsStore } from './recentRunsStore';

const run = (id: string): Workflow => ({
  id,
  mode: 'idea',
  title: id,
  input: 'A kite. It flies. It lands.',
  status: 'completed',
  queue_position: null,
  error: null,
  stages: [],
  created_at: 1,
  updated_at: 1,
});

/** A real HTTP server whose `GET /api/workflows` answers wait until the test releases them. */
async function startListServer() {
  const held: ServerResponse[] = [];
  const server = createServer((_: IncomingMessage, response) => held.push(response));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  setServerOrigin(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const answer = (index: number, runs: Workflow[]) =>
    held[index]
      ?.writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ workflows: runs, next_before: null }));
  return { held, answer, close: () => new Promise((done) => server.close(done)) };
}

afterEach(() => setServerOrigin(null));

const listed = () => useRecentRunsStore.getState().runs.map((r) => r.id);

describe('recentRunsStore', () => {
  it('applies only the newest request’s answer: an older list answered last is dropped', async () => {
    const server = await startListServer();
    try {
      const older = useRecentRunsStore.getState().refresh();
      await vi.waitFor(() => expect(server.held).toHaveLength(1));
      const newer = useRecentRunsStore.getState().refresh();
      await vi.waitFor(() => expect(server.held).toHaveLength(2));
      server.answer(1, [run('run-new'), run('run-old')]);
      await newer;
      server.answer(0, [run('run-old')]);
      await older;
      expect(listed()).toEqual(['run-new', 'run-old']);
    } finally {
      await server.close();
    }
  });

  it('shows a run started here until a fetch made after the start answers: an older fetch’s answer without it keeps it', async () => {
    const server = await startListServer();
    try {
      const before = useRecentRunsStore.getState().refresh();
      await vi.waitFor(() => expect(server.held).toHaveLength(1));
      useRecentRunsStore.getState().showStarted(run('run-started'));
      expect(listed()[0]).toBe('run-started');
      server.answer(0, [run('run-old')]);
      await before;
      expect(listed()).toEqual(['run-started', 'run-old']);

      // A fetch made after the start is the server's word: a run it does not list is gone.
      const after = useRecentRunsStore.getState().refresh();
      await vi.waitFor(() => expect(server.held).toHaveLength(2));
      server.answer(1, [run('run-old')]);
      await after;
      expect(listed()).toEqual(['run-old']);
    } finally {
      await server.close();
    }
  });
});
