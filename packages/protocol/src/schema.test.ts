import { describe, expect, it } from 'vitest';
import {
  array,
  boolean,
  nullable,
  number,
  object,
  oneOf,
  optional,
  parse,
  parseJson,
  record,
  string,
  tagged,
} from './schema.js';

const expectError = (result: ReturnType<typeof parse>, field: string, code = 'invalid_field') => {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.field).toBe(field);
  expect(result.error.code).toBe(code);
  expect(result.error.message).toContain(field);
};

describe('schema', () => {
  it('accepts valid values and drops unknown keys', () => {
    const s = object({ a: number(), b: optional(string()), c: nullable(boolean) });
    expect(parse(s, { a: 1, c: null, extra: 'x' })).toEqual({ ok: true, value: { a: 1, c: null } });
  });

  it('names the missing or mistyped field with its full path', () => {
    const s = object({ data: object({ items: array(object({ n: number({ min: 0 }) })) }) });
    expectError(parse(s, { data: { items: [{ n: 1 }, { n: -1 }] } }), 'data.items[1].n');
    expectError(parse(s, { data: {} }), 'data.items');
    expectError(parse(s, 'nope'), '');
  });

  it('rejects non-finite numbers, non-integers and out-of-range values', () => {
    expectError(parse(object({ n: number() }), { n: Number.NaN }), 'n');
    expectError(parse(object({ n: number({ int: true }) }), { n: 1.5 }), 'n');
    expectError(parse(object({ n: number({ max: 3 }) }), { n: 4 }), 'n');
  });

  it('checks string length and pattern', () => {
    const s = object({ id: string({ min: 1, max: 3, pattern: /^[a-z]+$/ }) });
    expectError(parse(s, { id: '' }), 'id');
    expectError(parse(s, { id: 'abcd' }), 'id');
    expectError(parse(s, { id: 'A' }), 'id');
    expect(parse(s, { id: 'ab' }).ok).toBe(true);
  });

  it('bounds arrays and records', () => {
    expectError(parse(object({ xs: array(number(), { max: 1 }) }), { xs: [1, 2] }), 'xs');
    expectError(parse(object({ r: record(number(), { max: 1 }) }), { r: { a: 1, b: 2 } }), 'r');
    expectError(parse(object({ r: record(number()) }), { r: { a: 'x' } }), 'r.a');
  });

  it('only accepts the listed values in oneOf', () => {
    expectError(parse(object({ m: oneOf(['a', 'b']) }), { m: 'c' }), 'm');
  });

  it('tells an unknown type apart from a bad field in a tagged union', () => {
    const s = tagged('type', { seek: { t: number() }, play: {} });
    expect(parse(s, { type: 'play' })).toEqual({ ok: true, value: { type: 'play' } });
    expectError(parse(s, { type: 'jump' }), 'type', 'unknown_type');
    expectError(parse(s, { type: 'seek', t: 'x' }), 't');
    expectError(parse(s, { t: 1 }), 'type');
  });

  it('reports invalid JSON as bad_json', () => {
    const result = parseJson('{"a":');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad_json');
    expect(parseJson('[1]')).toEqual({ ok: true, value: [1] });
  });

  it('turns a stack overflow on absurdly deep input into a validation error', () => {
    type Deep = { next?: Deep };
    const deep: Deep = {};
    let cursor = deep;
    for (let i = 0; i < 100_000; i++) cursor = cursor.next = {};
    const node = (input: unknown, path: string): unknown => nested(input, path);
    const nested = object({ next: optional(node) });
    expect(parse(nested, deep).ok).toBe(false);
  });
});
