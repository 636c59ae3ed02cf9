import {
  httpErrorSchema,
  parse,
  parseJson,
  routeListResponseSchema,
  type HttpError,
} from '@liveline/protocol';
import type { HttpAnswer, HttpProbeResult } from './probe.js';

const MAX_QUOTE_CHARS = 80;

/** `text` on one line, cut to {@link MAX_QUOTE_CHARS} characters, in quotes. */
export const quote = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(
    flat.length > MAX_QUOTE_CHARS ? `${flat.slice(0, MAX_QUOTE_CHARS)}…` : flat,
  );
};

/** Liveline's JSON error body (`httpErrorSchema`) with the extras it may carry, or `null`. */
export function livelineError(
  answer: HttpAnswer,
): (HttpError['error'] & { websocketRoutes: string[] | null }) | null {
  const json = parseJson(answer.body);
  if (!json.ok) return null;
  const checked = parse(httpErrorSchema, json.value);
  if (!checked.ok) return null;
  // The 404 of an unknown upgrade also names the WebSocket routes (an extra the schema drops).
  const extra = (json.value as { websocket_routes?: unknown }).websocket_routes;
  const websocketRoutes =
    Array.isArray(extra) && extra.every((p): p is string => typeof p === 'string') ? extra : null;
  return { ...checked.value.error, websocketRoutes };
}

/** The WebSocket paths listed by a `GET /api/routes` answer, or `null` when it is not one. */
export function servedWsPaths(result: HttpProbeResult): string[] | null {
  if (result.kind !== 'answered' || result.answer.status !== 200) return null;
  const json = parseJson(result.answer.body);
  if (!json.ok) return null;
  const list = parse(routeListResponseSchema, json.value);
  return list.ok ? list.value.routes.filter((r) => r.kind === 'ws').map((r) => r.path) : null;
}

/** A short description of an HTTP answer: status, type and the start of its body. */
export function describeAnswer(answer: HttpAnswer): string {
  const type = answer.contentType?.split(';')[0]?.trim() ?? null;
  if (answer.body.trim() === '') return `${answer.status} with an empty body`;
  if (type === 'text/html' || /^\s*<(!doctype|html)/i.test(answer.body))
    return `${answer.status} with an HTML page`;
  return `${answer.status} ${type ?? 'without a content type'} ${quote(answer.body)}`;
}
