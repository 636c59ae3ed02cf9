/** The origins allowed by default: the server's own, its loopback names and the Vite dev server's. */
const defaultAllowedOrigins = (origin: string): readonly string[] => {
  const { protocol, port } = new URL(origin);
  return [
    origin,
    `${protocol}//localhost:${port}`,
    `${protocol}//127.0.0.1:${port}`,
    'http://127.0.0.1:5173',
    'http://localhost:5173',
  ];
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
