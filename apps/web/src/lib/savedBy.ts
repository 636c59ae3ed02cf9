import { nullable, object, string } from '@liveline/protocol';
import type { Session } from './session';

/**
 * Who made the changes and alerts a tab keeps across a reload: the subject of the page's token
 * and its name, or null without a token (auth off).
 */
export interface SavedBy {
  readonly sub: string;
  readonly name: string;
}

/** How {@link SavedBy} is kept. */
export const savedBySchema = nullable(object({ sub: string(), name: string() }));

/** Who `session` names, as kept with what the page saves. */
export const savedBy = (session: Session | null): SavedBy | null =>
  session && { sub: session.sub, name: session.name };

/**
 * Whether what `by` made belongs to `now`: the same subject, whom the server would attribute it to
 * (PROTOCOL.md B1) and whose grants decide it (A4), or no token either time.
 */
export const sameIdentity = (by: SavedBy | null, now: SavedBy | null): boolean =>
  by?.sub === now?.sub;

/** `made as Alice`, or how what was made without a token is named. */
export const madeAs = (by: SavedBy | null): string =>
  by ? `made as ${by.name}` : 'made without signing in';

/** `you are now signed in as Bob`, or that the page has no token now. */
export const signedInAs = (now: SavedBy | null): string =>
  now ? `you are now signed in as ${now.name}` : 'you are not signed in now';
