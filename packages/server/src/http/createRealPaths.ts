import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';

/** Where a path under a root really is, or why nothing there may be served. */
export type RealPath =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly why: 'missing' | 'outside' };

/**
 * Resolves paths under `root` to their real paths (every symlink followed) and refuses one whose
 * real path leaves the root (`outside`): a link under the web app's directory or the videos
 * directory to `/etc/passwd` serves nothing. Links that stay inside are followed. The root may be a
 * link itself (to a shared volume, to the current release): its real path is kept once read, and
 * read again before a path is refused, in case the link was switched.
 */
export function createRealPaths(root: string): (path: string) => Promise<RealPath> {
  let kept: string | null = null;
  const inside = async (real: string, again: boolean): Promise<boolean> => {
    if (kept === null || again) {
      const resolved = await realpath(root);
      kept = resolved.endsWith(sep) ? resolved : `${resolved}${sep}`;
    }
    // The root itself is inside too: a directory, which no caller serves as a file.
    return `${real}${sep}`.startsWith(kept);
  };
  return async (path) => {
    try {
      const real = await realpath(path);
      return (await inside(real, false)) || (await inside(real, true))
        ? { ok: true, path: real }
        : { ok: false, why: 'outside' };
    } catch {
      // Gone, a dangling link, a loop or no permission: nothing to serve, whichever it is.
      return { ok: false, why: 'missing' };
    }
  };
}
