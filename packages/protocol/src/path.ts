/** The parameters named by `:name` segments of a path pattern. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

/** Validators of the `:name` parameters of path pattern `P`. */
export type ParamSchemas<P extends string, S> = { readonly [K in keyof PathParams<P>]: S };

/** Fills the `:name` segments of a path pattern with encoded values. */
export const fillPath = (pattern: string, params: Readonly<Record<string, string>>): string =>
  pattern.replace(/:([A-Za-z_]+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
