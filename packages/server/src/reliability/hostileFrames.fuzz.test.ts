import {
  CloseCode,
  ERROR_CODES,
  MAX_PAYLOAD_BYTES,
  parse,
  parseJson,
  routes,
  type Schema,
} from '@liveline/protocol';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  connectTestClient,
  startTestServer,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';
import { messageLike } from './arbitraries.js';
import { heapUsedMiB, report } from './seededRandom.js';

type Frame = { kind: string; data: string | Buffer; binary: boolean };

const text = (kind: string, data: string): Frame => ({ kind, data, binary: false });
const deep = (depth: number, open: string, close: string) =>
  open.repeat(depth) + close.repeat(depth);

/** Every kind of frame a hostile or broken peer sends. */
const hostileFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => text('random text', s)),
  fc.jsonValue().map((v) => text('random JSON', JSON.stringify(v))),
  messageLike.map((v) => text('message-like JSON', JSON.stringify(v))),
  fc
    .uint8Array({ maxLength: 300 })
    .map((b) => ({ kind: 'binary', data: Buffer.from(b), binary: true })),
  fc.uint8Array({ minLength: 1, maxLength: 50 }).map((b) => ({
    kind: 'invalid UTF-8 text',
    data: Buffer.concat([Buffer.from(b), Buffer.from([0xc3, 0x28, 0xff])]),
    binary: false,
  })),
  fc.integer({ min: 1_000, max: 30_000 }).map((n) => text('deep JSON array', deep(n, '[', ']'))),
  fc
    .integer({ min: 1_000, max: 6_000 })
    .map((n) => text('deep JSON object', deep(n, '{"a":', '}').replace(/}$/, '1}'))),
  fc.constant(
    text(
      'huge JSON',
      JSON.stringify({ type: 'card.create', pad: 'x'.repeat(MAX_PAYLOAD_BYTES - 200) }),
    ),
  ),
  fc.constant(text('oversize frame', 'x'.repeat(MAX_PAYLOAD_BYTES + 1))),
  fc
    .constantFrom(
      'null',
      '1e999',
      '"str"',
      '[]',
      '{"type":42}',
      '{"type":"seek","time_seconds":"10"}',
    )
    .map((s) => text('wrong types', s)),
);

/** Each route under fire: its path, what the server may send on it and what it accepts from a client. */
const ROUTES: readonly (readonly [string, Schema<unknown>, Schema<unknown>])[] = [
  ['/ws/transport', routes.transport.server, routes.transport.client],
  ['/ws/connect?board_id=fuzz', routes.board.server, routes.board.client],
  ['/ws/workflow/fuzz', routes.workflow.server, routes.workflow.client],
  ['/ws/agent/editor', routes.agent.server, routes.agent.client],
  ['/ws/coordinator', routes.coordinator.server, routes.coordinator.client],
];
/** Codes the protocol (or RFC 6455 for a broken frame) documents for a single bad frame. */
const FRAME_CLOSE_CODES: number[] = [CloseCode.MessageTooBig, 1007];
const PROBE_ID = 424_242;

/** Whether the route takes `frame` as one of its client messages: only then is no `error` owed. */
const isMessageOf = (frame: Frame, client: Schema<unknown>): boolean => {
  if (typeof frame.data !== 'string' || frame.binary) return false;
  const json = parseJson(frame.data);
  return json.ok && parse(client, json.value).ok;
};

/** Sends the frame then a clock probe: either the probe is answered (alive) or the socket closed. */
async function throwFrame(client: TestClient, frame: Frame): Promise<number | 'alive'> {
  client.ws.send(frame.data, { binary: frame.binary });
  client.send({ type: 'time_sync', id: PROBE_ID, t0: 1 });
  const closed = client.closed.then(({ code }) => code);
  const answered = client
    .next((m) => m.type === 'time_sync' && (m.data as { id?: number }).id === PROBE_ID)
    .then(() => 'alive' as const);
  // Once the socket closed the probe wait can only time out later; nobody awaits it then.
  answered.catch(() => {});
  return Promise.race([closed, answered]);
}

describe('hostile frames', () => {
  it('E1 L1 F11 arbitrary frames get a documented error or close code, a bystander keeps ticking, every connection is released', async () => {
    const server = await startTestServer();
    const bystander = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    await bystander.next((m) => 'playing' in m);
    const heapBefore = await heapUsedMiB();
    const started = performance.now();
    const ticksBefore = bystander.messages.length;
    const outcomes: Record<string, number> = {};
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(hostileFrame, fc.constantFrom(...ROUTES), async (frame, route) => {
        const [path, schema, accepts] = route;
        runs += 1;
        const client = await connectTestClient(wsOrigin(server, path));
        const outcome = await throwFrame(client, frame);
        client.ws.terminate();
        outcomes[`${frame.kind}→${outcome}`] = (outcomes[`${frame.kind}→${outcome}`] ?? 0) + 1;
        if (outcome !== 'alive') {
          expect(FRAME_CLOSE_CODES, frame.kind).toContain(outcome);
          return;
        }
        for (const message of client.messages)
          expect(parse(schema, message).ok, JSON.stringify(message).slice(0, 200)).toBe(true);
        // The server answers a frame before the probe behind it, so its error is already here.
        const errors = client.messages.filter((m) => m.type === 'error');
        if (!isMessageOf(frame, accepts)) expect(errors.length, frame.kind).toBeGreaterThan(0);
        for (const error of errors)
          expect(ERROR_CODES).toContain((error.data as { code: string }).code);
      }),
      { numRuns: 150, seed: 11 },
    );
    const seconds = (performance.now() - started) / 1000;
    // Every hostile connection is released: only the bystander's is left.
    await vi.waitFor(() =>
      expect(
        Object.values(server.stats().routes).reduce((sum, route) => sum + route.connections, 0),
      ).toBe(1),
    );
    const tickRate = (bystander.messages.length - ticksBefore) / seconds;
    expect(tickRate).toBeGreaterThan(20);
    const heapAfter = await heapUsedMiB();
    report('F11', {
      frames: runs,
      kinds: Object.keys(outcomes).length,
      crashes: 0,
      bystander_tick_hz: tickRate.toFixed(1),
      heap_before_mib: heapBefore,
      heap_after_mib: heapAfter,
      outcomes: JSON.stringify(outcomes).replaceAll(' ', '_'),
    });
  }, 60_000);
});
