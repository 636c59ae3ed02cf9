import type { Actor } from '@liveline/protocol';
import type { Identity } from './createAuth.js';

/** Who a verified token says the caller is, as events name them (rule B1); null when auth is off. */
export const actorOf = (identity: Identity | null): Actor | null =>
  identity && { id: identity.id, name: identity.name || identity.id };
