import { describe, expect, it } from 'vitest';
import { roomEvent } from '../test-utils/roomEvents.js';
import { storageSubjects } from '../test-utils/storageSubjects.js';

// Workflow run leases: taking (WL1), renewing (WL2), fencing appends (WL3), lapsing and handing over (WL4).
describe.each(storageSubjects())('Storage contract: $name', (subject) => {
  it('WL1 a run is acquired when it has no lease, its lease lapsed or its owner asks again, each time with the next token', async () => {
    const storage = await subject.create();
    expect(await storage.acquireLease('r1', 'node-a', 1000, 0)).toEqual({
      runId: 'r1',
      owner: 'node-a',
      token: 1,
      expiresAt: 1000,
      handovers: 0,
    });
    expect(await storage.acquireLease('r1', 'node-b', 1000, 999)).toBeNull();
    expect(await storage.acquireLease('r1', 'node-b', 1000, 1000)).toMatchObject({
      owner: 'node-b',
      token: 2,
      expiresAt: 2000,
    });
    expect(await storage.acquireLease('r1', 'node-b', 1000, 1500)).toMatchObject({
      owner: 'node-b',
      token: 3,
      expiresAt: 2500,
    });
    expect(await storage.acquireLease('r2', 'node-a', 1000, 1500)).toMatchObject({ token: 1 });
  });

  it('WL1 of two nodes taking a lapsed run at once exactly one gets it', async () => {
    const storage = await subject.create();
    await storage.acquireLease('r1', 'node-a', 1000, 0);
    const taken = await Promise.all(
      ['node-b', 'node-c'].map((node) => storage.acquireLease('r1', node, 1000, 5000)),
    );
    expect(taken.filter((lease) => lease !== null)).toEqual([
      expect.objectContaining({ token: 2, expiresAt: 6000 }),
    ]);
  });

  it("WL2 the owner renews its lease while its token is the run's; a stale token renews nothing", async () => {
    const storage = await subject.create();
    const first = await storage.acquireLease('r1', 'node-a', 1000, 0);
    if (!first) throw new Error('not acquired');
    expect(await storage.renewLease(first, 1000, 800)).toMatchObject({ token: 1, expiresAt: 1800 });
    expect(await storage.acquireLease('r1', 'node-b', 1000, 1700)).toBeNull();
    await storage.acquireLease('r1', 'node-b', 1000, 1800);
    expect(await storage.renewLease(first, 1000, 1900)).toBeNull();
    expect(await storage.lapsedLeases(2700, 10)).toEqual([]);
  });

  it("WL3 an append fenced with a token that is no longer the run's is refused and writes nothing", async () => {
    const storage = await subject.create();
    const { epoch } = await storage.readHead('workflow:r1');
    const stale = await storage.acquireLease('r1', 'node-a', 1000, 0);
    const current = await storage.acquireLease('r1', 'node-b', 1000, 1000);
    if (!stale || !current) throw new Error('not acquired');
    const write = (token: number, runId = 'r1') =>
      storage.append({
        ...roomEvent('workflow:r1', epoch, 1),
        documents: [{ kind: 'workflow', id: 'r1', value: { token } }],
        fence: { runId, token },
      });
    expect(await write(stale.token)).toEqual({ kind: 'fenced' });
    expect(await write(1, 'never-leased')).toEqual({ kind: 'fenced' });
    expect(await storage.readEvents('workflow:r1', 0, 10)).toEqual([]);
    expect(await storage.loadDocument('workflow', 'r1')).toBeNull();
    expect(await write(current.token)).toEqual({ kind: 'ok' });
    expect(await storage.loadDocument('workflow', 'r1')).toEqual({ token: 2 });
  });

  it('WL4 lapsed leases are listed longest lapsed first, up to the limit; a released lease is gone', async () => {
    const storage = await subject.create();
    await storage.acquireLease('late', 'node-a', 300, 0);
    await storage.acquireLease('early', 'node-a', 100, 0);
    await storage.acquireLease('live', 'node-a', 5000, 0);
    const ended = await storage.acquireLease('ended', 'node-a', 200, 0);
    expect(await storage.lapsedLeases(1000, 10)).toEqual(['early', 'ended', 'late']);
    expect(await storage.lapsedLeases(1000, 1)).toEqual(['early']);
    await storage.releaseLease('ended', (ended?.token ?? 0) + 1);
    expect(await storage.lapsedLeases(1000, 10)).toContain('ended');
    await storage.releaseLease('ended', ended?.token ?? 0);
    expect(await storage.lapsedLeases(1000, 10)).toEqual(['early', 'late']);
    expect(await storage.acquireLease('ended', 'node-b', 100, 1000)).toMatchObject({ token: 1 });
  });

  it('WL4 W4 a handed-over lease lapses at once and the handover is counted, so the next taking is no resume; a stale token hands nothing over', async () => {
    const storage = await subject.create();
    const first = await storage.acquireLease('r1', 'node-a', 60_000, 0);
    await storage.handOverLease('r1', (first?.token ?? 0) + 1);
    expect(await storage.lapsedLeases(1, 10)).toEqual([]);
    await storage.handOverLease('r1', first?.token ?? 0);
    expect(await storage.lapsedLeases(1, 10)).toEqual(['r1']);
    expect(await storage.acquireLease('r1', 'node-b', 60_000, 1)).toMatchObject({
      token: 2,
      handovers: 1,
    });
  });

  it('WL2 WL4 a renewal of a lease its owner handed over renews nothing: the lease stays lapsed', async () => {
    const storage = await subject.create();
    const lease = await storage.acquireLease('r1', 'node-a', 60_000, 0);
    if (!lease) throw new Error('not acquired');
    await storage.handOverLease('r1', lease.token);
    expect(await storage.renewLease(lease, 60_000, 1)).toBeNull();
    expect(await storage.lapsedLeases(1, 10)).toEqual(['r1']);
  });
});
