/**
 * The origins allowed by default: the server's own and its loopback names. Not the Vite dev
 * server's: any Vite project on its default port would drive the server and read its answers;
 * `pnpm run dev` allows its page itself (ALLOWED_ORIGINS).
 */
const defaultAllowedOrigins = (origin: string): readonly string[] => {
  const { protocol, port } = new URL(origin);
  return [origin, `${protocol}//localhost:${port}`, `${protocol}//127.0.0.1:${port}`];
};

/**
 * The origin allow-list (rule O1): the configured one, or without one the defaults of the address
 * the server is bound to (`origin()`, `null` before it is), made again only when that changes.
 */
export function createAllowedOrigins(
  configured: readonly string[] | null,
  origin: () => string | null,
): () => readonly string[] {
  let defaults: { origin: string | null; list: readonly string[] } = { origin: null, list: [] };
  return () => {
    if (configured) return configured;
    const bound = origin();
    if (bound !== defaults.origin)
      defaults = { origin: bound, list: bound === null ? [] : defaultAllowedOrigins(bound) };
    return defaults.list;
  };
}
