import type { Ack } from '@liveline/ws-client';
import { describe, expect, it, vi } from 'vitest';
import { onTestCleanup, rawRequest, tempDataDir } from '../test-utils/index.js';
import { spawnServer, type ServerChild } from '../test-utils/spawnServer.js';
import { createBoardPeer, type BoardPeer } from './createBoardPeer.js';
import { expectConverged, serverBoard } from './expectConverged.js';
import { heapUsedMiB, report } from './seededRandom.js';

const CLIENTS = 5;
const BOARD = 'restart';

/** A load of board edits (one per client every `everyMs`) and running workflows. */
async function startLoad(child: ServerChild, peers: readonly BoardPeer[]) {
  const column = (await serverBoard(child.origin, BOARD)).board?.columns[0]?.id ?? '';
  const acked = new Set<string>();
  const ops: Promise<Ack>[] = [];
  let round = 0;
  const timer = setInterval(() => {
    peers.forEach((peer, i) => {
      const opId = `c${i}-r${round}`;
      ops.push(peer.createCard(opId, column).then((ack) => (acked.add(opId), ack)));
    });
    round += 1;
  }, 20);
  onTestCleanup(() => clearInterval(timer));
  for (let i = 0; i < 3; i += 1)
    await rawRequest(child, '/api/workflows', {
      body: {
        mode: 'idea',
        input: 'A lighthouse keeper finds a map. She sails north.',
        id: `wf${i}`,
      },
    });
  return {
    acked,
    ops,
    /** Ops issued so far. */
    issued: () => ops.length,
    /** Stops sending; returns how many ops were sent. */
    stop: () => (clearInterval(timer), ops.length),
  };
}

/** Checks that the peers converged on the server's board and that every acknowledged op is on it. */
async function verify(
  child: ServerChild,
  peers: readonly BoardPeer[],
  sent: number,
  ackedBefore: ReadonlySet<string>,
) {
  const final = await expectConverged(child.origin, BOARD, peers);
  const titles = new Set(final.board?.cards.map((c) => c.title));
  const lostAcked = [...ackedBefore].filter((id) => !titles.has(id));
  expect(lostAcked).toEqual([]);
  expect(final.board?.cards).toHaveLength(sent);
  expect(titles.size).toBe(sent);
  return { lostAcked: lostAcked.length, cards: titles.size };
}

const workflowStatuses = async (child: ServerChild): Promise<string[]> =>
  Promise.all(
    [0, 1, 2].map(
      async (i) =>
        (
          (await rawRequest(child, `/api/workflows/wf${i}`)).json as {
            workflow: { status: string };
          }
        ).workflow.status,
    ),
  );

describe('restarts under load (the real bin)', () => {
  it('W4 R4 F2 SIGKILL while workflows run and clients edit: every acknowledged write survives, clients resume with no gap', async () => {
    const dataDir = tempDataDir();
    const env = { STAGE_DURATION_MS: '100' };
    const first = await spawnServer(dataDir, { env });
    const heapBefore = await heapUsedMiB();
    const peers = Array.from({ length: CLIENTS }, () => createBoardPeer(first.origin, BOARD));
    await vi.waitFor(() => expect(peers.every((p) => p.status() === 'open')).toBe(true));
    const load = await startLoad(first, peers);
    await vi.waitFor(() => expect(load.acked.size).toBeGreaterThan(100), { timeout: 10_000 });

    first.process.kill('SIGKILL');
    await first.exited;
    const ackedAtKill = new Set(load.acked);
    const issuedAtKill = load.issued();
    const killedAt = performance.now();
    const second = await spawnServer(dataDir, { env, port: first.port });
    const downMs = performance.now() - killedAt;
    await vi.waitFor(() => expect(load.acked.size).toBeGreaterThan(ackedAtKill.size + 50), {
      timeout: 10_000,
    });
    const sent = load.stop();
    await Promise.all(load.ops);

    const { lostAcked, cards } = await verify(second, peers, sent, ackedAtKill);
    expect(peers.every((p) => p.counts.resumes >= 1 && p.counts.snapshots === 1)).toBe(true);
    // Runs killed mid-stage resume and complete (rule W4).
    await vi.waitFor(
      async () =>
        expect(await workflowStatuses(second)).toEqual(['completed', 'completed', 'completed']),
      { timeout: 15_000 },
    );
    const statuses = await workflowStatuses(second);
    report('F2', {
      clients: CLIENTS,
      ops: sent,
      acked_before_kill: ackedAtKill.size,
      in_flight_at_kill: issuedAtKill - ackedAtKill.size,
      cards,
      faults: '1 SIGKILL',
      down_ms: Math.round(downMs),
      resumes: peers.reduce((n, p) => n + p.counts.resumes, 0),
      workflows: statuses.join('/'),
      lost: lostAcked,
      heap_before_mib: heapBefore,
      heap_after_mib: await heapUsedMiB(),
    });
  }, 60_000);

  it('D1 F3 SIGTERM under load drains with 1012; clients are back after the restart with nothing lost', async () => {
    const dataDir = tempDataDir();
    const env = { STAGE_DURATION_MS: '100' };
    const first = await spawnServer(dataDir, { env });
    const peers = Array.from({ length: CLIENTS }, () => createBoardPeer(first.origin, BOARD));
    await vi.waitFor(() => expect(peers.every((p) => p.status() === 'open')).toBe(true));
    const load = await startLoad(first, peers);
    await vi.waitFor(() => expect(load.acked.size).toBeGreaterThan(100), { timeout: 10_000 });

    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const ackedAtStop = new Set(load.acked);
    const second = await spawnServer(dataDir, { env, port: first.port });
    await vi.waitFor(() => expect(load.acked.size).toBeGreaterThan(ackedAtStop.size + 50), {
      timeout: 10_000,
    });
    const sent = load.stop();
    await Promise.all(load.ops);

    const { lostAcked } = await verify(second, peers, sent, ackedAtStop);
    const drainCodes = peers.map(
      (p) => p.statusLog.find((s) => s.status === 'reconnecting')?.closeCode,
    );
    expect(drainCodes).toEqual(peers.map(() => 1012));
    report('D1', {
      clients: CLIENTS,
      ops: sent,
      acked_before_sigterm: ackedAtStop.size,
      close_codes: [...new Set(drainCodes)].join(','),
      exit_code: 0,
      workflows: (await workflowStatuses(second)).join('/'),
      lost: lostAcked,
    });
  }, 60_000);
});
