/** Query parameters whose values a diagnosis needs and which carry no secret (rule O4). */
const KEPT_VALUES = new Set(['board_id', 'seq', 'epoch']);

/** The scheme and authority of an absolute-form target (RFC 9112 §3.2.2), userinfo included. */
const SCHEME_AND_AUTHORITY = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i;

/**
 * A request target as it may be written to a log (rule O4): the path and the names of the query
 * parameters, with values kept only for `board_id`, `seq` and `epoch`. A `?token=…`, a
 * `user:password@` or any other secret in a URL never reaches the log.
 */
export function loggableUrl(requestTarget: string): string {
  const target = requestTarget.replace(SCHEME_AND_AUTHORITY, '');
  const at = target.indexOf('?');
  if (at === -1) return target;
  const query = new URLSearchParams(target.slice(at + 1));
  const parts = [...query].map(([name, value]) =>
    KEPT_VALUES.has(name)
      ? `${encodeURIComponent(name)}=${encodeURIComponent(value)}`
      : `${encodeURIComponent(name)}=[redacted]`,
  );
  return `${target.slice(0, at)}?${parts.join('&')}`;
}
