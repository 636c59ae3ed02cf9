/**
 * A tiny runtime validator library. Zod-like, but small enough to ship in the client's 8.5 KB
 * budget. A schema is a function that returns the clean value or throws a {@link ValidationError}
 * naming the bad field. Unknown object keys are dropped, so old clients tolerate newer servers.
 *
 * Every factory is marked `@__NO_SIDE_EFFECTS__`: it only builds a closure, so a bundler may drop a
 * schema built at module top level that nothing uses (Rollup, Rolldown and esbuild honour it;
 * esbuild only for calls in the file that declares the factory, evanw/esbuild#4369).
 */

/** Why a value was rejected: a field had the wrong type or value, or the message type is unknown. */
export type ValidationErrorCode = 'invalid_field' | 'unknown_type' | 'bad_json';

/** A rejected value; `field` is the dotted path of the offending field (`data.stages[2].progress`). */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly code: ValidationErrorCode,
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(field ? `${field}: ${message}` : message, options);
  }
}

/** Validates `input` found at `path` and returns it typed, or throws {@link ValidationError}. */
export type Schema<T> = (input: unknown, path: string) => T;

/** A schema marked as an optional object property. */
export interface OptionalSchema<T> extends Schema<T> {
  readonly optional: true;
}

/** The type a schema produces. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** The outcome of {@link parse}: the typed value, or the error that names the bad field. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

const fail = (
  path: string,
  message: string,
  code: ValidationErrorCode = 'invalid_field',
): never => {
  throw new ValidationError(code, path, message);
};

/** The kind of a value as messages name it: `typeof`, with `null` and `array` told apart. */
const kindOf = (input: unknown): string =>
  input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input;

/** `input` when it is of `kind`; otherwise the one "expected …, got …" error every schema uses. */
const ofKind = <T>(input: unknown, path: string, kind: string): T =>
  kindOf(input) === kind ? (input as T) : fail(path, `expected ${kind}, got ${kindOf(input)}`);

/** Inclusive bounds on a number, a length or a key count. */
interface Bounds {
  min?: number;
  max?: number;
}

/** Checks `n` against `bounds`; `what` names a measured quantity (`length `), empty for values. */
const within = (path: string, n: number, { min, max }: Bounds, what = '') => {
  if (min !== undefined && n < min) fail(path, `expected ${what}≥ ${min}`);
  if (max !== undefined && n > max) fail(path, `expected ${what}≤ ${max}`);
};

/** Runs a schema without throwing. */
export function parse<T>(schema: Schema<T>, input: unknown): Result<T> {
  try {
    return { ok: true, value: schema(input, '') };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, error };
    // Deeply nested input can overflow the stack inside a validator; that is still bad input.
    return {
      ok: false,
      error: new ValidationError('invalid_field', '', 'value could not be validated', {
        cause: error,
      }),
    };
  }
}

/** Parses JSON text, turning a syntax error into a `bad_json` {@link ValidationError}. */
export function parseJson(text: string): Result<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (cause) {
    return {
      ok: false,
      error: new ValidationError('bad_json', '', 'message is not valid JSON', { cause }),
    };
  }
}

/** A string, optionally bounded in length and matched against a pattern (`hint` describes it). */
/* @__NO_SIDE_EFFECTS__ */
export function string(opts: Bounds & { pattern?: RegExp; hint?: string } = {}): Schema<string> {
  return (input, path) => {
    const value = ofKind<string>(input, path, 'string');
    within(path, value.length, opts, 'length ');
    if (opts.pattern && !opts.pattern.test(value))
      fail(path, `expected ${opts.hint ?? String(opts.pattern)}`);
    return value;
  };
}

/** A finite number, optionally an integer and within `[min, max]`. */
/* @__NO_SIDE_EFFECTS__ */
export function number(opts: Bounds & { int?: boolean } = {}): Schema<number> {
  return (input, path) => {
    const value = ofKind<number>(input, path, 'number');
    if (!(opts.int ? Number.isInteger(value) : Number.isFinite(value)))
      fail(path, `expected ${opts.int ? 'an integer' : 'a finite number'}`);
    within(path, value, opts);
    return value;
  };
}

/** `true` or `false`. */
export const boolean: Schema<boolean> = (input, path) => ofKind(input, path, 'boolean');

/** Exactly one of the given primitive values. */
/* @__NO_SIDE_EFFECTS__ */
export function oneOf<const V extends readonly (string | number | boolean | null)[]>(
  values: V,
): Schema<V[number]> {
  return (input, path) =>
    values.includes(input as V[number])
      ? (input as V[number])
      : fail(path, `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
}

/** The schema's value or `null`. */
/* @__NO_SIDE_EFFECTS__ */
export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return (input, path) => (input === null ? null : schema(input, path));
}

/** Marks an object property as optional: absent (or `undefined`) is allowed. */
/* @__NO_SIDE_EFFECTS__ */
export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return Object.assign((input: unknown, path: string) => schema(input, path), {
    optional: true as const,
  });
}

/** An array of items, optionally bounded in length. */
/* @__NO_SIDE_EFFECTS__ */
export function array<T>(item: Schema<T>, opts: Bounds = {}): Schema<T[]> {
  return (input, path) => {
    const items = ofKind<unknown[]>(input, path, 'array');
    within(path, items.length, opts, 'length ');
    return items.map((value, i) => item(value, `${path}[${i}]`));
  };
}

type Shape = Record<string, Schema<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends OptionalSchema<unknown> ? never : K;
}[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
/** The value type of an object shape. */
export type ObjectOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

type Fields = Record<string, unknown>;

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** A plain object with the given properties; unknown properties are dropped. */
/* @__NO_SIDE_EFFECTS__ */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return (input, path) => {
    const fields = ofKind<Fields>(input, path, 'object');
    const out: Fields = {};
    for (const key in shape) {
      const schema = shape[key] as Schema<unknown> | OptionalSchema<unknown>;
      const value = fields[key];
      if (value === undefined && 'optional' in schema) continue;
      if (value === undefined) return fail(join(path, key), 'is required');
      out[key] = schema(value, join(path, key));
    }
    return out as ObjectOf<S>;
  };
}

/** Any plain object, returned as is with every key: for a payload that is checked elsewhere. */
export const anyObject: Schema<Readonly<Record<string, unknown>>> = (input, path) =>
  ofKind(input, path, 'object');

/** A plain object whose keys are free-form and whose values share one schema. */
/* @__NO_SIDE_EFFECTS__ */
export function record<T>(value: Schema<T>, opts: Bounds = {}): Schema<Record<string, T>> {
  return (input, path) => {
    const fields = ofKind<Fields>(input, path, 'object');
    const keys = Object.keys(fields);
    within(path, keys.length, opts, 'key count ');
    const out: Record<string, T> = {};
    for (const key of keys) out[key] = value(fields[key], join(path, key));
    return out;
  };
}

/** The union of `{ [tag]: name } & shape` over the variants. */
export type TaggedOf<K extends string, V extends Record<string, Shape>> = {
  [N in keyof V & string]: Simplify<{ [P in K]: N } & ObjectOf<V[N]>>;
}[keyof V & string];

/**
 * A union discriminated by the string property `tag`. An unknown tag is an `unknown_type` error, so
 * a peer can tell "you sent garbage" from "I do not know that message".
 */
/* @__NO_SIDE_EFFECTS__ */
export function tagged<K extends string, V extends Record<string, Shape>>(
  tag: K,
  variants: V,
): Schema<TaggedOf<K, V>> {
  const schemas = new Map<string, Schema<unknown>>();
  for (const name of Object.keys(variants)) schemas.set(name, object(variants[name] as Shape));
  return (input, path) => {
    const name = ofKind<Fields>(input, path, 'object')[tag];
    const schema = schemas.get(ofKind<string>(name, join(path, tag), 'string'));
    if (!schema)
      return fail(
        join(path, tag),
        `unknown type ${JSON.stringify(String(name).slice(0, 64))}; expected one of ${[...schemas.keys()].join(', ')}`,
        'unknown_type',
      );
    return { [tag]: name, ...(schema(input, path) as object) } as TaggedOf<K, V>;
  };
}
