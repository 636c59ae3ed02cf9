import { isAllowed, type WsRoute } from '@liveline/protocol';
import { tokenExpired, type Identity } from './createAuth.js';

/** setTimeout's longest delay; a later expiry re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A connection's verified identity, checked per message and watched for expiry. */
export interface IdentityWatch {
  /**
   * Whether the token is expired at `at` (a message's arrival, epoch ms); if so `onExpired` runs
   * at once, not when the timer does (rules A2, A8: expired from its `exp` on, on every path).
   */
  expired(at: number): boolean;
  /** Why `type` is not permitted (rule A6), or null when it is. */
  forbidden(type: string): string | null;
  /** Stops the expiry timer. */
  dispose(): void;
}

/**
 * Watches a connection's token (rules A6, A8): the claims verified once at the upgrade decide each
 * message, and `onExpired` runs once the token is expired (closing with 4401).
 */
export function watchIdentity(
  identity: Identity,
  route: WsRoute,
  target: string,
  now: () => number,
  onExpired: () => void,
): IdentityWatch {
  let timer: NodeJS.Timeout | undefined;
  /** The one check of the timer and of each message: expired at `t` closes the socket. */
  const expired = (t: number): boolean => {
    if (!tokenExpired(identity, t)) return false;
    clearTimeout(timer);
    onExpired();
    return true;
  };
  const arm = (): void => {
    const t = now();
    if (!expired(t)) timer = setTimeout(arm, Math.min(identity.expiresAt - t, MAX_TIMER_MS));
  };
  arm();
  const { resource } = route.permission;
  return {
    expired,
    forbidden(type) {
      const action = route.messages[type];
      if (action === undefined || isAllowed(identity.grants, resource, target, action)) return null;
      return `token lacks ${resource}:${target}:${action} for ${type}`;
    },
    dispose: () => clearTimeout(timer),
  };
}
