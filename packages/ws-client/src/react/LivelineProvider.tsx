import type { ReactNode } from 'react';
import type { Client } from '../core/createClient.js';
import { LivelineContext } from './LivelineContext.js';

/** Provides a client created outside React, so StrictMode never makes a second one. */
export function LivelineProvider({ client, children }: { client: Client; children?: ReactNode }) {
  return <LivelineContext.Provider value={client}>{children}</LivelineContext.Provider>;
}
