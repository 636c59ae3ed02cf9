import type { Ack } from '@liveline/ws-client';
import { describe, expect, it, vi } from 'vitest';
import { onTestCleanup, startTestServer } from '../test-utils/index.js';
import { boardContent, createBoardPeer, gapsOf } from './createBoardPeer.js';
import { createChaosProxy } from './createChaosProxy.js';
import { expectConverged, serverBoard } from './expectConverged.js';
import { heapUsedMiB, report, seededRandom } from './seededRandom.js';

describe('chaos', () => {
  it('R9 F1 100 clients through a proxy that drops, delays and stalls end with identical, complete logs', async () => {
    const server = await startTestServer({ historyMaxEvents: 50_000, heartbeatIntervalMs: 250 });
    const random = seededRandom(20_241_122);
    const proxy = await createChaosProxy(server.origin, random);
    onTestCleanup(() => proxy.close());
    const column = (await serverBoard(server.origin, 'chaos')).board?.columns[0]?.id ?? '';
    const heapBefore = await heapUsedMiB();
    const peers = Array.from({ length: 100 }, () =>
      createBoardPeer(proxy.origin, 'chaos', { heartbeatTimeoutMs: 2_000 }),
    );
    await vi.waitFor(() => expect(peers.every((p) => p.board() !== null)).toBe(true), {
      timeout: 20_000,
    });
    const snapshotSeqs = peers.map((p) => p.firstSnapshotSeq());

    const OPS_PER_CLIENT = 3;
    const acks: Promise<Ack>[] = [];
    const chaosUntil = performance.now() + 4_000;
    proxy.setDelay(0, 25);
    for (let round = 0; performance.now() < chaosUntil; round += 1) {
      if (round < OPS_PER_CLIENT)
        peers.forEach((peer, i) => acks.push(peer.createCard(`c${i}-op${round}`, column)));
      if (random() < 0.5) proxy.dropRandom(0.05);
      else proxy.stallRandom(0.1, 300 + random() * 700);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    proxy.setDelay(0, 0);
    await Promise.all(acks);
    const final = await expectConverged(server.origin, 'chaos', peers);
    const head = final.seq;

    const expected = boardContent(final.board);
    expect(expected?.cards).toHaveLength(100 * OPS_PER_CLIENT);
    const gaps = peers.map(gapsOf);
    expect(peers.every((p) => p.counts.snapshots === 1)).toBe(true);
    expect(proxy.stats.drops + proxy.stats.stalls).toBeGreaterThan(10);
    report('F1', {
      clients: peers.length,
      ops: acks.length,
      events_per_client: head - Math.max(...snapshotSeqs),
      head_seq: head,
      drops: proxy.stats.drops,
      stalls: proxy.stats.stalls,
      delayed_chunks: proxy.stats.delayedChunks,
      reconnects: peers.reduce((n, p) => n + p.counts.opened - 1, 0),
      resumes: peers.reduce((n, p) => n + p.counts.resumes, 0),
      lost: 100 * OPS_PER_CLIENT - (expected?.cards.length ?? 0),
      gaps: gaps.reduce((a, b) => a + b, 0),
      heap_before_mib: heapBefore,
      heap_after_mib: await heapUsedMiB(),
    });
  }, 60_000);

  it('H2 a half-open path (proxy stalls silently) is detected within the heartbeat deadline and recovered', async () => {
    const HEARTBEAT_TIMEOUT_MS = 800;
    const server = await startTestServer({ heartbeatIntervalMs: 100, pingIntervalMs: 300 });
    const proxy = await createChaosProxy(server.origin);
    onTestCleanup(() => proxy.close());
    const column = (await serverBoard(server.origin, 'half-open')).board?.columns[0]?.id ?? '';
    const peers = Array.from({ length: 5 }, () =>
      createBoardPeer(proxy.origin, 'half-open', { heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS }),
    );
    await vi.waitFor(() => expect(peers.every((p) => p.status() === 'open')).toBe(true));
    const cutAt = performance.now();
    const blackholed = proxy.blackholeAll();
    // Written into the black hole: kept in each client's outbox until acknowledged.
    const acks = peers.map((peer, i) => peer.createCard(`blind-${i}`, column));
    await vi.waitFor(() => expect(peers.every((p) => p.counts.opened >= 2)).toBe(true), {
      timeout: 5_000,
    });
    await Promise.all(acks);
    const final = await expectConverged(server.origin, 'half-open', peers);

    const detectedAfter = peers.map(
      (p) => (p.statusLog.find((s) => s.at > cutAt && s.status !== 'open')?.at ?? Infinity) - cutAt,
    );
    // The client's watchdog fires HEARTBEAT_TIMEOUT_MS after the last frame it heard (≤ cutAt).
    expect(Math.max(...detectedAfter)).toBeLessThan(HEARTBEAT_TIMEOUT_MS + 400);
    expect(boardContent(final.board)?.cards).toHaveLength(5);
    // H3: the server terminates its half of the dead sockets too.
    await vi.waitFor(() => expect(server.stats().routes.board?.connections).toBe(5));
    report('H2', {
      clients: peers.length,
      half_open_paths: blackholed,
      ops_sent_into_blackhole: acks.length,
      detect_ms_max: Math.round(Math.max(...detectedAfter)),
      deadline_ms: HEARTBEAT_TIMEOUT_MS,
      head_seq: final.seq,
      lost: 5 - (boardContent(final.board)?.cards.length ?? 0),
    });
  });
});
