import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';

/** Where a path under a root really is, or why nothing there may be served. */
export type RealPath =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly why: 'missing' | 'outside' };

/**
 * Resolves paths under `root` to their real paths (every symlink followed) and refuses one whose
 * real path leaves the root (`outside`): a link under the web app's directory or the videos
 * directory to `/etc/passwd` serves nothing. Links that stay inside are followed. The root's own
 * real path is read once it exists (the root may be a link itself, to a shared volume).
 */
export function createRealPaths(root: string): (path: string) => Promise<RealPath> {
  let inside: string | null = null;
  return async (path) => {
    try {
      if (inside === null) {
        const real = await realpath(root);
        inside = real.endsWith(sep) ? real : `${real}${sep}`;
      }
      const real = await realpath(path);
      // The root itself is inside too: a directory, which no caller serves as a file.
      return `${real}${sep}`.startsWith(inside)
        ? { ok: true, path: real }
        : { ok: false, why: 'outside' };
    } catch {
      // Gone, a dangling link, a loop or no permission: nothing to serve, whichever it is.
      return { ok: false, why: 'missing' };
    }
  };
}
