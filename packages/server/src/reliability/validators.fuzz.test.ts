import {
  ROUTE_NAMES,
  agentStatusSchema,
  artifactSchema,
  boardEventSchema,
  boardSchema,
  clientControlMessage,
  clockStateSchema,
  coordinatorMetricsSchema,
  healthSchema,
  parse,
  parseJson,
  routes,
  transportStateSchema,
  workflowEventSchema,
  workflowSchema,
  type HttpRoute,
  type Schema,
  type WsRoute,
} from '@liveline/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hostileValue,
  validBoardClientMessage,
  validServerControl,
  validTransportCommand,
} from './arbitraries.js';
import { resolveUpgradeTarget } from '../transport/resolveUpgradeTarget.js';
import { report } from './seededRandom.js';

/** Every validator the protocol exports or hangs on its route table, by name. */
const validators = (): [string, Schema<unknown>][] => {
  const found: [string, Schema<unknown>][] = [
    ['healthSchema', healthSchema],
    ['boardSchema', boardSchema],
    ['boardEventSchema', boardEventSchema],
    ['workflowSchema', workflowSchema],
    ['workflowEventSchema', workflowEventSchema],
    ['artifactSchema', artifactSchema],
    ['agentStatusSchema', agentStatusSchema],
    ['coordinatorMetricsSchema', coordinatorMetricsSchema],
    ['clientControlMessage', clientControlMessage],
    ['transportStateSchema', transportStateSchema],
    ['clockStateSchema', clockStateSchema],
  ];
  for (const name of ROUTE_NAMES) {
    const route: WsRoute | HttpRoute = routes[name];
    const params: [string, Schema<unknown>][] = Object.entries<Schema<string>>(route.params);
    for (const [key, schema] of params) found.push([`${name}.params.${key}`, schema]);
    if (route.kind === 'ws') {
      found.push([`${name}.server`, route.server], [`${name}.client`, route.client]);
      for (const [key, schema] of Object.entries(route.query))
        found.push([`${name}.query.${key}`, schema]);
    } else {
      found.push([`${name}.response`, route.response]);
      if (route.request) found.push([`${name}.request`, route.request]);
    }
  }
  return found;
};

/** Widens a route's validator so messages of several routes share one property. */
const loose = (schema: Schema<unknown>): Schema<unknown> => schema;

const RUNS = 300;

describe('protocol validators under fast-check', () => {
  it('E1 F6 every validator answers arbitrary input with a result, never a throw, and accepted values re-validate', () => {
    const all = validators();
    let accepted = 0;
    for (const [name, schema] of all)
      fc.assert(
        fc.property(hostileValue, (input) => {
          const result = parse(schema, input);
          expect(typeof result.ok, name).toBe('boolean');
          if (!result.ok) {
            expect(result.error.code).toMatch(/^(invalid_field|unknown_type|bad_json)$/);
            return;
          }
          accepted += 1;
          const again = parse(schema, JSON.parse(JSON.stringify(result.value)) as unknown);
          expect(again, name).toEqual({ ok: true, value: result.value });
        }),
        { numRuns: RUNS, seed: 8 },
      );
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (text, epoch, seq) => {
        expect(typeof parseJson(text).ok).toBe('boolean');
        const query = new URLSearchParams({ epoch, seq });
        for (const path of ['/ws/connect', '/ws/workflow/w1']) {
          const upgrade = resolveUpgradeTarget(`${path}?${query.toString()}`);
          if (!upgrade.ok)
            expect(upgrade.rejection).toMatchObject({ status: 400, code: 'invalid_field' });
        }
      }),
      { numRuns: RUNS, seed: 8 },
    );
    // The re-validation above runs only on accepted values: some must have been.
    expect(accepted).toBeGreaterThan(0);
    report('F6', { validators: all.length, inputs: all.length * RUNS + RUNS, throws: 0, accepted });
  });

  it('E1 F7 valid generated messages round-trip through JSON and their validator unchanged', () => {
    const cases: [string, fc.Arbitrary<Record<string, unknown>>, Schema<unknown>][] = [
      ['board.client', validBoardClientMessage, routes.board.client],
      ['transport.client', validTransportCommand, routes.transport.client],
      ['board.server control', validServerControl, routes.board.server],
      ['transport.server control', validServerControl, routes.transport.server],
    ];
    for (const [name, arbitrary, schema] of cases)
      fc.assert(
        fc.property(arbitrary, (message) => {
          const wire = JSON.parse(JSON.stringify(message)) as unknown;
          expect(parse(schema, wire), name).toEqual({ ok: true, value: message });
        }),
        { numRuns: RUNS, seed: 8 },
      );
    report('F7', { message_kinds: cases.length, messages: cases.length * RUNS, rejected_valid: 0 });
  });

  it('E1 F8 a valid message with one field of the wrong type is rejected naming that field', () => {
    const wrong = fc.oneof(fc.constant(null), fc.boolean(), fc.object(), fc.array(fc.nat()));
    let checked = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          validBoardClientMessage.map((m) => ({ m, schema: loose(routes.board.client) })),
          validTransportCommand.map((m) => ({ m, schema: loose(routes.transport.client) })),
        ),
        fc.nat(),
        wrong,
        ({ m: message, schema }, pick, value) => {
          const keys = Object.keys(message).filter((k) => k !== 'type');
          const key = keys[pick % Math.max(1, keys.length)];
          fc.pre(key !== undefined && typeof message[key] !== typeof value);
          const result = parse(schema, { ...message, [key]: value });
          checked += 1;
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.field).toBe(key);
        },
      ),
      { numRuns: RUNS, seed: 8 },
    );
    report('F8', { mutated_messages: checked, accepted_wrong_type: 0 });
  });
});
