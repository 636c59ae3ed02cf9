import { parse, parseJson, type Schema } from '@liveline/protocol';

/**
 * Keeps `value` as JSON under `key` in this tab's sessionStorage, which a reload and a restored tab
 * keep and another tab does not share (docs/decisions.md); `null` removes it. Best effort: storage
 * that is full or disabled keeps nothing, and the page goes on with what it holds in memory.
 */
export function keepInTab(key: string, value: unknown): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota exceeded or storage disabled: nothing more can be kept than the page holds.
  }
}

/**
 * Takes the value kept under `key` out of storage: null when there is none or it does not parse
 * with `schema` (edited by hand, or an older shape), which is dropped, not trusted.
 */
export function takeFromTab<T>(key: string, schema: Schema<T>): T | null {
  const json = parseJson(sessionStorage.getItem(key) ?? '');
  sessionStorage.removeItem(key);
  const kept = json.ok ? parse(schema, json.value) : json;
  return kept.ok ? kept.value : null;
}
