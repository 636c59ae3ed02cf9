import { healthSchema, parse } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { report } from './seededRandom.js';

/** `ulimit -f` of the child: 2000 × 512 B = 1000 KiB per file, so the SQLite WAL soon cannot grow. */
const FILE_SIZE_BLOCKS = 2_000;

describe('storage faults (the real bin on a real disk)', () => {
  // The one storage fault made on a real disk; storageFailure.test.ts injects the others.
  // Tests run as root, so chmod cannot make a directory read-only and no tmpfs can be mounted.
  // RLIMIT_FSIZE binds root too: past the limit write(2) fails with EFBIG (Node ignores SIGXFSZ),
  // which SQLite reports like a full disk.
  it('S2 F4 a full disk mid-run: ops are refused with unavailable (never acked and lost), /health degraded, no crash', async () => {
    const dataDir = tempDataDir();
    const child = await spawnServer(dataDir, { fileSizeBlocks: FILE_SIZE_BLOCKS });
    const board = await connectTestClient(wsOrigin(child, '/ws/connect?board_id=full'));
    await board.next('snapshot');
    const bystander = await connectTestClient(wsOrigin(child, '/ws/transport/clock'));
    const acked = new Set<string>();
    let refused = 0;
    let sent = 0;
    const description = 'x'.repeat(1500);
    // Bounded: at most 400 ops of ~1.7 KiB; the 1000 KiB file limit is hit long before.
    for (let i = 0; i < 400 && refused === 0; i += 1) {
      board.send({
        type: 'card.create',
        op_id: `f${i}`,
        column_id: 'backlog',
        title: `card ${i}`,
        description,
      });
      sent += 1;
      const reply = await board.next((m) => m.type === 'ack' || m.type === 'error');
      if (reply.type === 'ack') acked.add(`f${i}`);
      else {
        expect(dataOf(reply)).toMatchObject({ code: 'unavailable', op_id: `f${i}` });
        refused += 1;
      }
    }
    expect(refused).toBe(1);
    const health = await rawRequest(child, '/health');
    expect(health.status).toBe(200);
    const parsed = parse(healthSchema, health.json);
    expect(parsed.ok && parsed.value).toMatchObject({ status: 'degraded', database: 'error' });
    expect(parsed.ok && parsed.value.database_error).toMatch(/full|EFBIG|too large|I\/O/i);
    // Still serving: the clock keeps ticking and HTTP answers.
    const ticks = bystander.messages.length;
    await vi.waitFor(() => expect(bystander.messages.length).toBeGreaterThan(ticks + 3));
    expect(child.process.exitCode).toBeNull();

    // Nothing acknowledged was lost: restart without the limit and count.
    child.process.kill('SIGKILL');
    await child.exited;
    const again = await spawnServer(dataDir);
    const cards = (
      (await rawRequest(again, '/api/boards/full')).json as {
        board: { cards: { title: string }[] };
      }
    ).board.cards;
    expect(cards.map((c) => c.title).sort()).toEqual(
      [...acked].map((id) => `card ${id.slice(1)}`).sort(),
    );
    report('F4', {
      ops: sent,
      acked: acked.size,
      refused_unavailable: refused,
      faults: 'RLIMIT_FSIZE 1000KiB',
      health: `${parsed.ok ? parsed.value.status : '?'}/${parsed.ok ? parsed.value.database : '?'}`,
      cards_after_restart: cards.length,
      lost: acked.size - cards.length,
    });
  }, 40_000);
});
