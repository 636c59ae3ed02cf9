import { ValidationError, parse, type Infer, type Schema } from './schema.js';

/**
 * One query parameter: validates its text and says in words what it accepts, so that the refusal
 * of a bad value ("expected …") and the listing of `GET /api/routes` tell the same thing.
 */
export interface QueryParam<T = unknown> extends Schema<T> {
  /** What the parameter accepts, e.g. `an integer from 1 to 200`. */
  readonly accepts: string;
}

/** A parameter whose text `read` turns into its value, or into `undefined` when it is not `accepts`. */
/* @__NO_SIDE_EFFECTS__ */
export function queryParam<T>(
  accepts: string,
  read: (text: string) => T | undefined,
): QueryParam<T> {
  return Object.assign(
    (input: unknown, path: string): T => {
      const value = typeof input === 'string' ? read(input) : undefined;
      if (value === undefined)
        throw new ValidationError('invalid_field', path, `expected ${accepts}`);
      return value;
    },
    { accepts },
  );
}

/** A parameter whose text is its value when `schema` accepts it (an id, an epoch). */
/* @__NO_SIDE_EFFECTS__ */
export const schemaParam = (accepts: string, schema: Schema<string>): QueryParam<string> =>
  queryParam(accepts, (text) => (parse(schema, text).ok ? text : undefined));

/** The query parameters a route reads, by name, each saying what it accepts. */
export type QueryParams = Readonly<Record<string, QueryParam>>;

/** A query string: `URLSearchParams`, or anything else that lists a parameter's values. */
export interface QueryString {
  getAll(name: string): string[];
}

/** The validated values of the parameters a query carries; an absent one is left out. */
export type QueryValues<S extends QueryParams> = { [K in keyof S]?: Infer<S[K]> };

/**
 * Validates the parameters of `params` that `search` carries, naming a bad one. A parameter given
 * more than once is refused (rule P4): which of its values the caller meant is not for the server
 * to guess. Parameters the route does not read are ignored.
 */
export function readQuery<S extends QueryParams>(params: S, search: QueryString): QueryValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(params)) {
    const given = search.getAll(name);
    if (given.length > 1)
      throw new ValidationError(
        'invalid_field',
        name,
        `given ${given.length} times; expected it at most once`,
      );
    if (given.length === 1) values[name] = schema(given[0], name);
  }
  return values as QueryValues<S>;
}

/** The validator of an HTTP endpoint's whole query, with the parameters it reads. */
export interface QuerySchema<T> extends Schema<T> {
  /** Each parameter's validator, by name: `GET /api/routes` lists them (rule P5). */
  readonly params: QueryParams;
}

/**
 * The validator of a query (a {@link QueryString}): reads `params` with {@link readQuery}, then
 * `finish` turns the values into what the handler gets (defaults filled in).
 */
/* @__NO_SIDE_EFFECTS__ */
export function querySchema<S extends QueryParams, T>(
  params: S,
  finish: (values: QueryValues<S>) => T,
): QuerySchema<T> {
  return Object.assign(
    (input: unknown, path: string): T => {
      const search = input as Partial<QueryString> | null;
      if (typeof search?.getAll !== 'function')
        throw new ValidationError('invalid_field', path, 'expected a query string');
      return finish(readQuery(params, search as QueryString));
    },
    { params },
  );
}
