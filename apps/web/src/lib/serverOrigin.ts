let origin: string | null = null;

/** The Liveline server's origin: the page's own unless {@link setServerOrigin} chose another. */
export function serverOrigin(): string {
  return origin ?? window.location.origin;
}

/** Points the app at another server origin (tests use a server on a random port). */
export function setServerOrigin(value: string | null): void {
  origin = value;
}
