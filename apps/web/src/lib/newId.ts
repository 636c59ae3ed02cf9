/** A fresh id matching the protocol's id pattern, e.g. `run-lq3x9k-4f2a`. */
export function newId(prefix: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${Date.now().toString(36)}-${random}`;
}
